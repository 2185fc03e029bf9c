"""Run the shop in a background thread of the current process, on a loopback port.

Used by the pytest fixture (one server per xdist worker) and by the demo API's own tests::

    with DemoServer(create_app(db_path, users)) as server:
        requests.get(server.url + "/health")
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from types import TracebackType

import uvicorn
from fastapi import FastAPI


class DemoServerError(RuntimeError):
    """The server did not come up, or did not stop, in time."""


class DemoServer:
    """uvicorn on ``host``; ``port=0`` (the default) takes a free port chosen by the kernel.

    ``log_level``: uvicorn's. In a test process, "critical" keeps the server thread from
    formatting tracebacks while the main thread does: CPython 3.11's traceback carets parse
    source with ``ast``, which is not thread-safe there ("AST constructor recursion depth
    mismatch", gh-106905), and would crash pytest's own report.
    """

    def __init__(
        self, app: FastAPI, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        self.app = app
        # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
        # IPPROTO_TCP, and without it every kept-alive response waits ~40 ms for a delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_level=log_level,
                access_log=False,
                lifespan="off",
                # The tracked protocol lets fault injection reset a client's connection.
                http=app.state.connections.protocol_class(),
                # The client pools connections; keep idle ones open across slow steps.
                timeout_keep_alive=60,
            )
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"demo-api:{self.port}",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> DemoServer:
        """Start serving and return once ``GET /health`` answers 200."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise DemoServerError(f"demo API on {self.url} exited during start-up")
            if time.monotonic() > deadline:
                raise DemoServerError(f"demo API on {self.url} did not start in {timeout} s")
            time.sleep(0.01)  # polling a flag uvicorn sets; there is no event to wait on
        with urllib.request.urlopen(f"{self.url}/health", timeout=timeout) as answer:  # noqa: S310
            if answer.status != 200:
                raise DemoServerError(f"demo API on {self.url} answered {answer.status}")
        return self

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the main thread interrupts the wait)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self, timeout: float = 15.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise DemoServerError(f"demo API on {self.url} did not stop in {timeout} s")
        self._socket.close()
        self.app.state.store.close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
