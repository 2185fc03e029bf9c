"""A scriptable HTTP/1.1 server on loopback for client tests: odd behaviours on demand.

Each route is a function ``(handler) -> None`` that writes whatever it likes to the socket,
including nothing at all, half a body, or a body one byte at a time.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["StubHandler"], None]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class StubState:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0


class StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: StubState

    def setup(self) -> None:
        super().setup()
        # headers and body are separate writes: without this each waits for a delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.state.connections += 1

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        self.state.seen.append(Seen(self.command, self.path, dict(self.headers), body))
        route = self.state.routes.get(path)
        if route is None:
            self.reply(404, b'{"detail": "no route"}')
        else:
            route(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def reply(
        self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gives up mid-response (deadline, size limit) is what the tests provoke.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class Stub:
    url: str
    state: StubState

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(fn: Route) -> Route:
            self.state.routes[path] = fn
            return fn

        return register


@contextmanager
def stub_server() -> Iterator[Stub]:
    state = StubState()
    handler = type("Handler", (StubHandler,), {"state": state})
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield Stub(f"http://127.0.0.1:{server.server_address[1]}", state)
    finally:
        server.shutdown()
        server.server_close()
