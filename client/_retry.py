"""The retry policy: what to retry, when to stop, how long to wait. One layer, on tenacity.

Rules (RFC 9110 §9.2.2, urllib3 ``Retry``, the AWS SDKs' standard mode):

================================  ==========================  ===============================
what happened                     GET/HEAD/PUT/DELETE/OPTIONS  POST/PATCH
================================  ==========================  ===============================
connect failure (never sent)      retry                       retry
reset / timeout after sending     retry                       retry with an idempotency key,
                                                              else "may have been applied"
429; 503 with Retry-After         retry                       retry (not processed)
502, 504, 503 without Retry-After retry                       retry with an idempotency key
409 with Retry-After              retry with an idempotency   retry with an idempotency key
                                  key (still in flight)
other 4xx, 500, bad body          never                       never
================================  ==========================  ===============================

"With an idempotency key" means the API declares one (the profile's ``idempotency_key``,
:attr:`RetryPolicy.idempotency_key`) and the request carries it: a key the API ignores makes
nothing safe, so none is sent unless the API says it honours it.

Waits honour ``Retry-After`` (seconds or HTTP-date) up to ``retry_after_cap``; a server asking
for more fails the request at once; a malformed value falls back to backoff. Backoff is
exponential with full jitter. A run-wide :class:`RetryBudget` (a token bucket) stops retrying
when most requests fail, so a down API fails fast instead of being hammered.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
# Methods that get an Idempotency-Key: POST and PATCH to make them safe to retry, DELETE so an
# API that honours keys replays the first answer (204) instead of a 404 for a lost attempt.
KEYED_METHODS = frozenset({"POST", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
NOT_SENT = frozenset({"connect-error", "connect-timeout"})
SENT_THEN_LOST = frozenset({"reset-before-response", "read-timeout", "reset-mid-body"})
# A gateway's "bad gateway" and "gateway timeout": the API behind it may have applied the request.
GATEWAY_LOST = frozenset({502, 504})
# Failures no retry can cure: a redirect loop, a TLS failure, a malformed request, a redirect
# that would carry the body to another origin; and a hop after a redirect that failed (the first
# request was answered, so it was processed: sending it again would repeat it).
PERMANENT = frozenset(
    {"redirect-loop", "tls-error", "invalid-request", "unsafe-redirect", "redirect-failed"}
)


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended.

    ``kind``: ``"status"`` (a response arrived) or a failure: ``"connect-error"``,
    ``"connect-timeout"`` (the request never left), ``"reset-before-response"``,
    ``"read-timeout"``, ``"reset-mid-body"`` (it was sent and may have been applied), or a
    permanent one: ``"redirect-loop"``, ``"tls-error"``, ``"invalid-request"``.
    ``retry_after``: the raw ``Retry-After`` header, if any.
    """

    kind: str
    status: int | None = None
    retry_after: str | None = None
    detail: str = ""

    @property
    def sent(self) -> bool:
        """False only when the request provably never reached the server."""
        return self.kind not in NOT_SENT

    @property
    def answer_lost(self) -> bool:
        """The request was sent and its answer lost: it may have been applied."""
        return self.kind in SENT_THEN_LOST

    @property
    def outcome_unknown(self) -> bool:
        """Sent, and nothing says whether it was applied: lost, or a gateway's 502/504."""
        return self.answer_lost or (self.kind == "status" and self.status in GATEWAY_LOST)

    @property
    def label(self) -> str:
        return str(self.status) if self.kind == "status" else self.kind


@dataclass(frozen=True)
class Verdict:
    retry: bool
    reason: str


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value; ``None`` when absent or malformed.

    Delay-seconds must be a non-negative integer (``"1.5"`` and ``"soon"`` are malformed, as
    urllib3 also rules). An HTTP-date in the past means 0.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class RetryBudget:
    """A run-wide token bucket shared by every request of a client (AWS SDK standard mode).

    Each retry takes ``retry_cost`` tokens (``timeout_cost`` after a timeout); each success gives
    back ``success_refund``, or the retry's cost when it succeeded after retries. An empty bucket
    means retrying stops until successes refill it. ``capacity`` of 0 disables retries entirely.
    """

    def __init__(
        self,
        capacity: int = 50,
        *,
        retry_cost: int = 5,
        timeout_cost: int = 10,
        success_refund: int = 1,
    ) -> None:
        self.capacity = capacity
        self.retry_cost = retry_cost
        self.timeout_cost = timeout_cost
        self.success_refund = success_refund
        self._tokens = capacity
        self._lock = threading.Lock()
        self.spent = 0
        self.refused = 0

    @property
    def tokens(self) -> int:
        return self._tokens

    def cost_of(self, outcome: Outcome) -> int:
        return self.timeout_cost if "timeout" in outcome.kind else self.retry_cost

    def acquire(self, outcome: Outcome) -> int | None:
        """Take the cost of retrying after ``outcome``; ``None`` when the bucket cannot pay."""
        cost = self.cost_of(outcome)
        with self._lock:
            if self._tokens < cost:
                self.refused += 1
                return None
            self._tokens -= cost
            self.spent += cost
            return cost

    def succeeded(self, paid: int) -> None:
        """A request succeeded; ``paid`` is what its retries took (0 when it had none)."""
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + (paid or self.success_refund))


@dataclass(frozen=True)
class RetryPolicy:
    """Which failures to retry, how often, and how long to wait in between.

    ``max_attempts``: tries per request, the first included (1 = never retry).
    ``backoff_base`` / ``backoff_cap``: the n-th wait without Retry-After is uniform in
    ``[0, min(cap, base * 2**(n-1))]`` seconds (full jitter).
    ``retry_after_cap``: the longest Retry-After honoured; a longer one fails the request at
    once with :class:`~client.RetryAfterTooLongError`.
    ``idempotency_key``: the header the API declares it honours (``"Idempotency-Key"``); every
    POST, PATCH and DELETE then carries one (the same on every attempt), which makes POST and
    PATCH safe to retry, and lets the API replay a DELETE's first answer instead of a 404 when
    that answer was lost. ``None`` (the default): the API declares none, so no key is sent and a
    POST or PATCH that may have reached the server is never retried.
    ``budget``: the run-wide retry budget; ``None`` means unlimited (not recommended).
    ``sleep`` and ``rand`` are injectable so tests can assert exact waits without waiting.
    """

    max_attempts: int = 5
    backoff_base: float = 0.1
    backoff_cap: float = 5.0
    retry_after_cap: float = 10.0
    idempotency_key: str | None = None
    budget: RetryBudget | None = field(default_factory=RetryBudget)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")

    # -- what to retry -----------------------------------------------------------------------
    def verdict(self, method: str, keyed: bool, outcome: Outcome) -> Verdict:
        """Whether the failure is safe and worth retrying, and why (for the record)."""
        safe = method in IDEMPOTENT_METHODS or keyed
        how = "idempotent" if method in IDEMPOTENT_METHODS else "keyed"
        if outcome.kind == "status":
            status = outcome.status
            if status in RETRY_STATUSES or (status == 409 and outcome.retry_after is not None):
                if safe:
                    return Verdict(True, f"{status} from the server ({how} {method})")
                if status == 429 or (status == 503 and outcome.retry_after is not None):
                    return Verdict(True, f"{status}: the server did not process the {method}")
                return Verdict(False, f"{status}, but {method} without an idempotency key")
            return Verdict(False, f"{status} is not transient")
        if outcome.kind in PERMANENT:
            return Verdict(False, f"{outcome.kind} is not transient")
        if not outcome.sent:
            return Verdict(True, f"{outcome.kind}: the request never left")
        if safe:
            return Verdict(True, f"{outcome.kind} after sending ({how} {method})")
        return Verdict(False, f"{outcome.kind} after sending a {method} without an idempotency key")

    # -- how long to wait --------------------------------------------------------------------
    def delay(self, attempt: int, outcome: Outcome) -> tuple[float, bool]:
        """Seconds to wait after ``attempt`` (1-based), and whether Retry-After set it."""
        asked = parse_retry_after(outcome.retry_after)
        if asked is not None:
            return asked, True
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return self.rand() * ceiling, False

    def without_retries(self) -> RetryPolicy:
        """This policy with one attempt per request and no budget: nothing retried or spent."""
        return replace(self, max_attempts=1, budget=None)


def no_retries() -> RetryPolicy:
    """One attempt per request (``--retries 0``)."""
    return RetryPolicy(max_attempts=1, budget=None)
