"""Error bodies: every error the shop returns is an RFC 9457 problem details document.

Shape (``application/problem+json``)::

    {"type": "about:blank", "title": "Conflict", "status": 409,
     "detail": "insufficient stock for product 7: requested 101, available 100",
     "instance": "/orders"}

Validation failures (422) add ``errors``: a list of ``{"field": "price", "message": "..."}``,
where ``field`` is the dotted path inside the request body or query. Input values are never
echoed back, so a rejected password or token cannot come back in an error.

Routes declare the errors they can answer with :func:`documented`; :func:`install` makes the
OpenAPI document say ``application/problem+json`` for them, as the wire does.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from demo_api.schemas import Problem
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


def documented(*statuses: int, created: str = "") -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: a problem body for each error status it can answer.

    ``created``: the status-201 route's resource, to document its ``Location`` header.
    """
    responses: dict[int | str, dict[str, Any]] = {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }
    if 401 in statuses:
        responses[401]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if created:
        responses[201] = {
            "headers": {
                "Location": {
                    "required": True,
                    "description": f"the path of the new {created}",
                    "schema": {"type": "string"},
                }
            }
        }
    return responses


def _problem_media_type(build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Wrap FastAPI's document builder: error responses are ``application/problem+json``."""

    def openapi() -> dict[str, Any]:
        document = build()
        for operation in (op for path in document["paths"].values() for op in path.values()):
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
        return document

    return openapi


def install(app: FastAPI) -> None:
    """Route every error, ours and the framework's, through :func:`problem`."""
    app.openapi = _problem_media_type(app.openapi)  # type: ignore[method-assign]
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(Conflict, _on_conflict)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
