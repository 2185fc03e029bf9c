"""Errors raised by the HTTP client.

    ApiClientError                    base of everything the client raises
    ├── TransportError                no usable response: refused, reset, timed out, redirect loop
    │   ├── DeadlineExceededError     the per-request deadline passed (a slow or dribbled body)
    │   └── OutcomeUnknownError       a request not safe to repeat was sent and its outcome is
    │                                 unknown: it may have been applied (``outcome_unknown``)
    ├── ResponseTooLargeError         the body passed the size limit
    ├── RetryAfterTooLongError        the server asked to wait longer than the retry cap
    └── ApiUnavailableError           the run-wide retry budget is spent: the API looks down

Every message names the method and the redacted URL; none carries headers or bodies. Every
error raised for a request carries ``attempts`` and ``exchange``, the record of the request
(status 0) that listeners also saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client._exchange import Attempt, Exchange


class ApiClientError(Exception):
    """Base class. ``method`` and ``url`` (redacted) say which request; ``attempts`` how it went.

    ``exchange``: the record of the failed request (status 0, ``error`` set), once sent.
    ``outcome_unknown``: ``True`` only for :class:`OutcomeUnknownError`.
    """

    outcome_unknown = False

    def __init__(
        self, message: str, *, method: str, url: str, attempts: Sequence[Attempt] = ()
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.attempts = tuple(attempts)
        self.exchange: Exchange | None = None


class TransportError(ApiClientError):
    """The request got no usable response."""


class DeadlineExceededError(TransportError):
    """The whole exchange, body included, took longer than the request deadline."""


class OutcomeUnknownError(TransportError):
    """A request that is not safe to repeat failed after it was sent: it may have been applied.

    Raised once any attempt of a POST or PATCH was sent without a known outcome (an answer
    lost, a gateway's 502/504), whatever later attempts saw (refused because the server died,
    the deadline, the retry budget). Clean-up cannot know what it created: warn about it.
    """

    outcome_unknown = True


class ResponseTooLargeError(ApiClientError):
    """The response body passed the client's size limit."""


class RetryAfterTooLongError(ApiClientError):
    """The server asked for a wait longer than the client's Retry-After cap."""


class ApiUnavailableError(ApiClientError):
    """Too many requests are failing: retrying stopped so the run fails fast."""
