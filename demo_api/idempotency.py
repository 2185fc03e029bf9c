"""Idempotency keys for POST, PATCH and DELETE (IETF draft "The Idempotency-Key HTTP Header
Field").

DELETE is idempotent in effect but not in answer: repeated after a lost answer, it would say
404 where the first said 204. With a key, the repeat gets the first answer back.

- First request with a key: processed; its response (unless 5xx) is stored with a fingerprint
  of method, path and body.
- The same key and fingerprint again: the stored response is replayed, with
  ``Idempotent-Replayed: true``; nothing is processed twice.
- The same key while the first is still being processed: 409 with ``Retry-After: 1``.
- The same key with another method, path or body: 422.

Stored in the shop's SQLite database, so a replay survives whatever happened to the connection.
"""

from __future__ import annotations

import hashlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from demo_api.problems import problem
from demo_api.store import Store

KEYED_METHODS = frozenset({"POST", "PATCH", "DELETE"})


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key")
        if scope["type"] != "http" or scope["method"] not in KEYED_METHODS or key is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), body])
        ).hexdigest()
        record = self.store.idempotency_get(key)
        if record is None:
            await self._first(scope, body, key, fingerprint, send)
        elif record["fingerprint"] != fingerprint:
            detail = "Idempotency-Key reused with a different request"
            await problem(422, detail, instance=scope["path"])(scope, receive, send)
        elif record["state"] == "in-flight":
            detail = "a request with this Idempotency-Key is in progress"
            answer = problem(409, detail, instance=scope["path"], headers={"Retry-After": "1"})
            await answer(scope, receive, send)
        else:
            self.store.idempotent_replays += 1
            headers = [(k.encode(), v.encode()) for k, v in json.loads(record["headers"])]
            headers.append((b"idempotent-replayed", b"true"))
            await send(
                {"type": "http.response.start", "status": record["status"], "headers": headers}
            )
            await send({"type": "http.response.body", "body": record["body"]})

    async def _first(
        self, scope: Scope, body: bytes, key: str, fingerprint: str, send: Send
    ) -> None:
        self.store.idempotency_begin(key, fingerprint)
        status, headers, chunks = 500, list[tuple[str, str]](), list[bytes]()
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend((k.decode(), v.decode()) for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._finish(key, status, headers, b"".join(chunks))
            await send(message)

        try:
            await self.app(scope, replay_receive, recording_send)
        finally:  # a 5xx or a crash was not stored: let a retry process the request again
            self.store.idempotency_forget(key, only_in_flight=True)

    def _finish(self, key: str, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        if status < 500:
            self.store.idempotency_finish(key, status, json.dumps(headers), body)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
