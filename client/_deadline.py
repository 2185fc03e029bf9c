"""The request deadline while the response's headers arrive.

requests' read timeout bounds each socket read, not the whole: a server that sends its status
line and headers a byte at a time holds a request for as long as it likes (a 3 s deadline held
90 s). The body is read in pieces under the deadline (:meth:`ApiClient._read_body`); for the
headers, which ``http.client`` reads on its own, a :class:`Watchdog` thread shuts the
connection's socket down when the deadline passes, which ends the read at once.

The deadline travels to the connection in a thread-local set around the send
(:func:`deadline_scope`): the pool's connection classes read it in ``getresponse``.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_scope = threading.local()


@contextlib.contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Within it, a response's headers on this thread must arrive by ``deadline`` (monotonic)."""
    _scope.deadline = deadline
    try:
        yield
    finally:
        _scope.deadline = None


class Watchdog:
    """One daemon thread that shuts down sockets whose deadline passed, earliest first."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Any]] = []
        self._live: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, when: float, sock: Any) -> int:
        with self._wake:
            token = next(self._ids)
            heapq.heappush(self._heap, (when, token, sock))
            self._live.add(token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="api-bdd-deadline")
                self._thread.daemon = True  # it holds nothing that needs an orderly end
                self._thread.start()
            self._wake.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._wake:
            self._live.discard(token)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # disarmed: forget it
                if not self._heap:
                    self._wake.wait()
                    continue
                when, token, sock = self._heap[0]
                left = when - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(token)
            _cut(sock)


def _cut(sock: Any) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()


class _Guarded:
    """``getresponse`` under the thread's deadline (a mixin for urllib3's connections)."""

    sock: Any

    def getresponse(self) -> Any:
        deadline = getattr(_scope, "deadline", None)
        if deadline is None or self.sock is None:
            return super().getresponse()  # type: ignore[misc]
        token = WATCHDOG.arm(deadline, self.sock)
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            WATCHDOG.disarm(token)


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {
    "http": GuardedHTTPPool,
    "https": GuardedHTTPSPool,
}
