"""The Idempotency-Key middleware at the ASGI level: replay, in flight, reuse, failures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from demo_api.idempotency import IdempotencyMiddleware
from demo_api.store import Store


class CountingApp:
    """An ASGI app that answers 201 with a counter; ``gate`` holds it mid-request."""

    def __init__(self, status: int = 201) -> None:
        self.calls = 0
        self.status = status
        self.gate: asyncio.Event | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        body = json.dumps({"n": self.calls, "echo": message["body"].decode()}).encode()
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": body})


async def call(
    app: Any, body: bytes = b'{"q": 1}', key: str | None = "k1", method: str = "POST"
) -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = [(b"content-type", b"application/json")]
    if key is not None:
        headers.append((b"idempotency-key", key.encode()))
    scope = {"type": "http", "method": method, "path": "/orders", "headers": headers}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    head = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    payload = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], head, json.loads(payload)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "shop.sqlite3")


def test_a_repeated_key_replays_the_stored_response(store: Store) -> None:
    inner = CountingApp()
    app = IdempotencyMiddleware(inner, store)
    first = asyncio.run(call(app))
    again = asyncio.run(call(app))
    assert first[0] == again[0] == 201
    assert first[2] == again[2] == {"n": 1, "echo": '{"q": 1}'}
    assert again[1]["idempotent-replayed"] == "true"
    assert inner.calls == 1
    assert store.idempotent_replays == 1


def test_the_same_key_with_another_payload_is_422(store: Store) -> None:
    app = IdempotencyMiddleware(CountingApp(), store)
    asyncio.run(call(app))
    status, _, body = asyncio.run(call(app, body=b'{"q": 2}'))
    assert status == 422
    assert body["detail"] == "Idempotency-Key reused with a different request"


def test_the_same_key_while_the_first_is_in_flight_is_409_with_retry_after(store: Store) -> None:
    inner = CountingApp()
    app = IdempotencyMiddleware(inner, store)

    async def scenario() -> tuple[Any, Any, Any]:
        inner.gate = asyncio.Event()
        first = asyncio.create_task(call(app))
        await asyncio.sleep(0)  # the first is now inside the app, waiting at the gate
        while inner.calls == 0:
            await asyncio.sleep(0)
        second = await call(app)
        inner.gate.set()
        done = await first
        third = await call(app)
        return done, second, third

    first, second, third = asyncio.run(scenario())
    assert first[0] == 201
    assert (second[0], second[1]["retry-after"]) == (409, "1")
    assert third[1]["idempotent-replayed"] == "true"
    assert inner.calls == 1


def test_server_errors_are_not_stored_so_a_retry_runs_again(store: Store) -> None:
    inner = CountingApp(status=500)
    app = IdempotencyMiddleware(inner, store)
    asyncio.run(call(app))
    inner.status = 201
    status, headers, body = asyncio.run(call(app))
    assert (status, body["n"]) == (201, 2)
    assert "idempotent-replayed" not in headers


def test_requests_without_a_key_or_with_a_safe_method_pass_through(store: Store) -> None:
    inner = CountingApp()
    app = IdempotencyMiddleware(inner, store)
    asyncio.run(call(app, key=None))
    asyncio.run(call(app, key=None))
    asyncio.run(call(app, method="GET"))
    asyncio.run(call(app, method="GET"))
    asyncio.run(call(app, key=None, method="DELETE"))
    assert inner.calls == 5


def test_a_repeated_delete_with_the_same_key_replays_the_first_answer(store: Store) -> None:
    inner = CountingApp(status=204)
    app = IdempotencyMiddleware(inner, store)
    first = asyncio.run(call(app, body=b"", method="DELETE"))
    inner.status = 404  # what a second, real DELETE would now answer
    again = asyncio.run(call(app, body=b"", method="DELETE"))
    assert (first[0], again[0]) == (204, 204)
    assert again[1]["idempotent-replayed"] == "true"
    assert inner.calls == 1
