"""Fault injection: the transient failures a real API shows, on real sockets, off by default.

A :class:`FaultPlan` says how often (``rate``), which kinds (``mix``, weights) and with what
seed; a :class:`FaultInjector` draws per request, reproducibly, and counts. The ASGI
:class:`FaultMiddleware` acts the fault out:

=========================  ==================================================  ===============
kind                       what the client sees                                handler runs?
=========================  ==================================================  ===============
503-retry-after-seconds    503, ``Retry-After: <n>``                           no
503-retry-after-date       503, ``Retry-After: <HTTP-date n seconds ahead>``   no
429-retry-after            429, ``Retry-After: <n>``                           no
429                        429, no Retry-After                                 no
502, 504                   that status                                         no
reset-before-response      the connection reset (RST), no byte of response     no
reset-mid-body             status, headers, half the body, then a reset        yes (committed)
lost-after-commit          the connection reset after the write committed      yes (committed)
stall                      nothing until the connection drops, ``stall`` s on  yes (committed)
=========================  ==================================================  ===============

``/health`` and ``/_admin/*`` are never faulted.
"""

from __future__ import annotations

import asyncio
import math
import random
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from demo_api.problems import problem

STATUS_FAULTS: dict[str, tuple[int, str | None]] = {
    "503-retry-after-seconds": (503, "seconds"),
    "503-retry-after-date": (503, "date"),
    "429-retry-after": (429, "seconds"),
    "429": (429, None),
    "502": (502, None),
    "504": (504, None),
}
SOCKET_FAULTS = ("reset-before-response", "reset-mid-body", "lost-after-commit", "stall")
FAULT_KINDS = (*STATUS_FAULTS, *SOCKET_FAULTS)
EXEMPT_PREFIXES = ("/health", "/_admin")


def parse_mix(text: str) -> dict[str, float]:
    """``"503-retry-after-seconds=2,reset-before-response=1"`` -> weights; unknown kinds fail."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, weight = part.partition("=")
        kind = kind.strip()
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
        mix[kind] = float(weight) if weight else 1.0
        if mix[kind] < 0:
            raise ValueError(f"fault weight for {kind} must be >= 0")
    if not mix or not any(mix.values()):
        raise ValueError("the fault mix names no kind with a positive weight")
    return mix


@dataclass(frozen=True)
class FaultPlan:
    """``rate``: share of requests faulted (0 to 1). ``seed``: makes the draws reproducible
    (``None``: a fresh random seed). ``mix``: kind -> weight (default: every kind, equally).
    ``retry_after``: seconds the Retry-After faults ask for. ``stall``: seconds a stalled
    response is held before the connection drops (set it above the client's read timeout).
    """

    rate: float = 0.0
    seed: int | None = None
    mix: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(FAULT_KINDS, 1.0))
    retry_after: int = 1
    stall: float = 12.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")


class FaultInjector:
    """Draws the fault for each request and counts requests and faults by kind."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._kinds = [k for k, w in plan.mix.items() if w > 0]
        self._weights = [plan.mix[k] for k in self._kinds]
        self._scheduled: deque[str] = deque()
        self._lock = threading.Lock()
        self.requests = 0
        self.faults: Counter[str] = Counter()

    def schedule(self, *kinds: str) -> None:
        """Give the next requests these faults, in order, whatever the rate (for tests)."""
        unknown = [k for k in kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds: {unknown}")
        with self._lock:
            self._scheduled.extend(kinds)

    def draw(self, path: str) -> str | None:
        if path.startswith(EXEMPT_PREFIXES):
            return None
        with self._lock:
            self.requests += 1
            if self._scheduled:
                kind: str | None = self._scheduled.popleft()
            elif self.plan.rate and self._random.random() < self.plan.rate:
                kind = self._random.choices(self._kinds, self._weights)[0]
            else:
                kind = None
            if kind is not None:
                self.faults[kind] += 1
            return kind

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "faulted": sum(self.faults.values()),
                "faults": dict(sorted(self.faults.items())),
                "rate": self.plan.rate,
                "seed": self.plan.seed,
            }


class ConnectionRegistry:
    """Maps a client's (host, port) to its transport, so a fault can reset that connection."""

    def __init__(self) -> None:
        self._transports: dict[tuple[str, int], asyncio.Transport] = {}
        self.accepted = 0  # connections ever accepted (a pooled client opens few)

    def protocol_class(self) -> type[H11Protocol]:
        registry = self

        class TrackedH11Protocol(H11Protocol):
            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                super().connection_made(transport)
                registry.accepted += 1
                if self.client is not None:
                    registry._transports[self.client] = transport

            def connection_lost(self, exc: Exception | None) -> None:
                # A client port is reused as soon as a reset frees it: drop the entry only if
                # it is still this connection's, not a newer one's from the same address.
                if (
                    self.client is not None
                    and registry._transports.get(self.client) is self.transport
                ):
                    del registry._transports[self.client]
                super().connection_lost(exc)

        return TrackedH11Protocol

    def reset(self, client: tuple[str, int] | None) -> bool:
        """Abort the connection with a TCP RST (SO_LINGER 0): the peer sees 'connection reset'.

        False when the connection is unknown (the app is not served by DemoServer's tracked
        protocol, or the peer is already gone).
        """
        transport = self._transports.get(client) if client else None
        if transport is None or transport.is_closing():
            return False
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        return True


class _Captured:
    """An ASGI ``send`` that keeps the response instead of sending it."""

    def __init__(self) -> None:
        self.start: MutableMapping[str, Any] | None = None
        self.body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = dict(message)
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


class FaultMiddleware:
    """Acts out the injector's draw for each HTTP request."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, connections: ConnectionRegistry):
        self.app = app
        self.injector = injector
        self.connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = self.injector.draw(scope["path"]) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
        elif kind in STATUS_FAULTS:
            await self._status(kind, scope, receive, send)
        elif kind == "reset-before-response":
            await self._reset(scope)
        else:
            captured = _Captured()
            await self.app(scope, receive, captured)  # the handler runs and commits
            if kind == "reset-mid-body" and captured.start is not None:
                await send(captured.start)
                half = captured.body[: max(1, len(captured.body) // 2)]
                await send({"type": "http.response.body", "body": half, "more_body": True})
            elif kind == "stall":
                await asyncio.sleep(self.injector.plan.stall)
            await self._reset(scope)

    async def _reset(self, scope: Scope) -> None:
        if self.connections.reset(scope.get("client")):
            await asyncio.sleep(0)  # let the loop run connection_lost before the app returns

    async def _status(self, kind: str, scope: Scope, receive: Receive, send: Send) -> None:
        status, retry_after = STATUS_FAULTS[kind]
        headers = {}
        seconds = self.injector.plan.retry_after
        if retry_after == "seconds":
            headers["Retry-After"] = str(seconds)
        elif retry_after == "date":  # whole seconds: the wait it means is just under `seconds`
            headers["Retry-After"] = formatdate(math.floor(time.time()) + seconds, usegmt=True)
        detail = f"fault injected by demo_api: {kind}"
        await problem(status, detail, instance=scope["path"], headers=headers)(scope, receive, send)
