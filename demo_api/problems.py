"""Error bodies: every error the shop returns is an RFC 9457 problem details document.

Shape (``application/problem+json``)::

    {"type": "about:blank", "title": "Conflict", "status": 409,
     "detail": "insufficient stock for product 7: requested 101, available 100",
     "instance": "/orders"}

Validation failures (422) add ``errors``: a list of ``{"field": "price", "message": "..."}``,
where ``field`` is the dotted path inside the request body or query. Input values are never
echoed back, so a rejected password or token cannot come back in an error.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from demo_api.store import Conflict, NotFound

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    detail: str,
    *,
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[int | str, ...]) -> str:
    # ("body", "price") -> "price"; ("query", "limit") -> "limit"; the form body of /auth/token too
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in {"body", "query", "path"} else loc
    return ".".join(str(p) for p in parts) or "body"


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, f"invalid request: {detail}", instance=request.url.path, errors=errors)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(
        exc.status_code,
        str(exc.detail),
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _on_not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(404, f"{exc} not found", instance=request.url.path)


async def _on_conflict(request: Request, exc: Exception) -> JSONResponse:
    return problem(409, str(exc), instance=request.url.path)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    return problem(500, "internal error", instance=request.url.path)


def install(app: FastAPI) -> None:
    """Route every error, ours and the framework's, through :func:`problem`."""
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(Conflict, _on_conflict)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
