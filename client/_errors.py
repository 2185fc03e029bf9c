"""Errors raised by the HTTP client.

    ApiClientError                    base of everything the client raises
    ├── TransportError                no usable response: refused, reset, timed out, redirect loop
    │   ├── DeadlineExceededError     the per-request deadline passed (a slow or dribbled body)
    │   └── OutcomeUnknownError       a non-idempotent request failed after it was sent
    ├── ResponseTooLargeError         the body passed the size limit
    ├── RetryAfterTooLongError        the server asked to wait longer than the retry cap
    └── ApiUnavailableError           the run-wide retry budget is spent: the API looks down

Every message names the method and the redacted URL; none carries headers or bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client._exchange import Attempt


class ApiClientError(Exception):
    """Base class. ``method`` and ``url`` (redacted) say which request; ``attempts`` how it went."""

    def __init__(
        self, message: str, *, method: str, url: str, attempts: Sequence[Attempt] = ()
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.attempts = tuple(attempts)


class TransportError(ApiClientError):
    """The request got no usable response."""


class DeadlineExceededError(TransportError):
    """The whole exchange, body included, took longer than the request deadline."""


class OutcomeUnknownError(TransportError):
    """A request that is not safe to repeat failed after it was sent: it may have been applied."""


class ResponseTooLargeError(ApiClientError):
    """The response body passed the client's size limit."""


class RetryAfterTooLongError(ApiClientError):
    """The server asked for a wait longer than the client's Retry-After cap."""


class ApiUnavailableError(ApiClientError):
    """Too many requests are failing: retrying stopped so the run fails fast."""
