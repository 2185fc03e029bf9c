"""Time limits for one request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timeouts:
    """How long one request may take.

    ``connect``: seconds to open a connection. ``read``: seconds to wait between bytes of the
    response (requests' read timeout is per read, so on its own it never bounds a dribbled body).
    ``deadline``: seconds for the whole exchange, every attempt and wait included, headers, body
    and all (headers still arriving at the deadline are cut: :mod:`client._deadline`);
    ``None`` means no overall limit (not recommended).
    """

    connect: float = 3.05
    read: float = 10.0
    deadline: float | None = 30.0

    def __post_init__(self) -> None:
        for name in ("connect", "read"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Timeouts.{name} must be > 0, got {getattr(self, name)}")
        if self.deadline is not None and self.deadline <= 0:
            raise ValueError(f"Timeouts.deadline must be > 0 or None, got {self.deadline}")
