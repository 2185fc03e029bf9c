"""Deliberate breaking changes: the shop answering as a careless new version of it would.

``python -m bench breaking`` starts the shop with one mutation at a time and runs the features
against it, to see which layer of the suite notices. A mutation rewrites answers on their way
out (an ASGI middleware, outermost), so the routes, the store and the OpenAPI document the shop
serves stay as they were: the change is on the wire only, as when an implementation drifts from
its contract. ``apply(app, name)`` switches one on before the server starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Answer:
    """A response being rewritten: ``headers`` with lower-case names, ``body`` parsed JSON."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    rewrite: Callable[[Answer], None]


def _is_product_path(answer: Answer) -> bool:
    return answer.path.startswith("/products") and answer.status in (200, 201)


def _products(answer: Answer) -> Iterator[dict[str, Any]]:
    if not _is_product_path(answer) or not isinstance(answer.body, dict):
        return
    yield from answer.body.get("items", [answer.body])


def _orders(answer: Answer) -> Iterator[dict[str, Any]]:
    ours = answer.path.startswith("/orders") and answer.status in (200, 201)
    if ours and isinstance(answer.body, dict):
        yield from answer.body.get("items", [answer.body])


def _resources(answer: Answer) -> Iterator[dict[str, Any]]:
    yield from _products(answer)
    yield from _orders(answer)
    if answer.path.startswith("/users") and answer.status == 200:
        yield answer.body


def _rename_stock(answer: Answer) -> None:
    for product in _products(answer):
        product["in_stock"] = product.pop("stock")


def _remove_full_name(answer: Answer) -> None:
    if answer.path.startswith("/users") and answer.status == 200:
        answer.body.pop("full_name", None)


def _add_discount(answer: Answer) -> None:
    for product in _products(answer):
        product["discount"] = "0.00"


def _quantity_as_string(answer: Answer) -> None:
    for order in _orders(answer):
        order["quantity"] = str(order["quantity"])


def _money_as_number(answer: Answer) -> None:
    for resource in _resources(answer):
        for field in ("price", "unit_price", "total"):
            if field in resource:
                resource[field] = float(resource[field])


def _null_email(answer: Answer) -> None:
    if answer.path.startswith("/users") and answer.status == 200:
        answer.body["email"] = None


def _new_token_type(answer: Answer) -> None:
    if answer.path == "/auth/token" and answer.status == 200:
        answer.body["token_type"] = "mac"


def _created_as_ok(answer: Answer) -> None:
    if answer.method == "POST" and answer.path == "/products" and answer.status == 201:
        answer.status = 200


def _error_body(answer: Answer) -> None:
    if answer.status == 404 and isinstance(answer.body, dict):
        answer.body = {"error": answer.body.get("detail", "not found")}
        answer.headers["content-type"] = "application/json"


def _pagination(answer: Answer) -> None:
    if answer.method == "GET" and answer.path == "/products" and answer.status == 200:
        body = answer.body
        paging = {"total": body["total"], "limit": body["limit"], "offset": body["offset"]}
        answer.body = {"data": body["items"], "paging": paging}


def _drop_location(answer: Answer) -> None:
    if answer.method == "POST" and answer.path == "/orders":
        answer.headers.pop("location", None)


def _local_dates(answer: Answer) -> None:
    for resource in _resources(answer):
        stamp = str(resource["created_at"])  # 2026-11-25T10:00:00.123456Z
        resource["created_at"] = f"{stamp[8:10]}/{stamp[5:7]}/{stamp[0:4]} {stamp[11:19]}"


def _text_content_type(answer: Answer) -> None:
    if answer.method == "GET" and answer.path.startswith("/products/"):
        answer.headers["content-type"] = "text/plain; charset=utf-8"


def _three_decimals(answer: Answer) -> None:
    for order in _orders(answer):
        order["total"] = f"{order['total']}0"


def _problem_status_as_string(answer: Answer) -> None:
    if answer.status == 401 and isinstance(answer.body, dict):
        answer.body["status"] = str(answer.body["status"])


MUTATIONS: dict[str, Mutation] = {
    m.name: m
    for m in (
        Mutation("renamed-field", "product stock renamed to in_stock", _rename_stock),
        Mutation("removed-field", "user full_name removed", _remove_full_name),
        Mutation("added-field", "product gains a discount field", _add_discount),
        Mutation("changed-type", "order quantity as a string", _quantity_as_string),
        Mutation("money-as-number", "prices and totals as JSON numbers", _money_as_number),
        Mutation("null-value", "user email null", _null_email),
        Mutation("new-enum-value", "token_type 'mac'", _new_token_type),
        Mutation("changed-status", "POST /products answers 200, not 201", _created_as_ok),
        Mutation("changed-error-body", "404 bodies {'error': ...}, not a problem", _error_body),
        Mutation("changed-pagination", "product listing as {data, paging}", _pagination),
        Mutation("removed-header", "POST /orders without Location", _drop_location),
        Mutation("changed-date-format", "created_at as dd/mm/yyyy hh:mm:ss", _local_dates),
        Mutation("changed-content-type", "GET /products/{id} as text/plain", _text_content_type),
        Mutation("changed-precision", "order totals with three decimals", _three_decimals),
        Mutation("error-field-type", "401 problem status as a string", _problem_status_as_string),
    )
}


class MutationMiddleware:
    """Buffers each JSON (or empty) answer and lets ``mutation`` rewrite it."""

    def __init__(self, app: ASGIApp, mutation: Mutation) -> None:
        self.app = app
        self.mutation = mutation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._send(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, hold)

    async def _send(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
        parsed: Any = None
        if body and "json" in headers.get("content-type", ""):
            parsed = json.loads(body)
        answer = Answer(scope["method"], scope["path"], start["status"], headers, parsed)
        self.mutation.rewrite(answer)
        if answer.body is not None:
            body = json.dumps(answer.body).encode()
        answer.headers["content-length"] = str(len(body))
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def apply(app: FastAPI, name: str) -> Mutation:
    """Switch mutation ``name`` on (before the server starts); ValueError names the choices."""
    mutation = MUTATIONS.get(name)
    if mutation is None:
        raise ValueError(f"unknown mutation {name!r}; choose from {', '.join(MUTATIONS)}")
    app.add_middleware(MutationMiddleware, mutation=mutation)
    return mutation
