"""The retry policy's truth table and its parts, without any network."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from client import Outcome, RetryBudget, RetryPolicy, parse_retry_after

SAFE = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
UNSAFE = ["POST", "PATCH"]
LOST = ["reset-before-response", "read-timeout", "reset-mid-body"]
NEVER_SENT = ["connect-error", "connect-timeout"]
TRANSIENT_STATUSES = [429, 502, 503, 504]
PERMANENT_STATUSES = [400, 401, 403, 404, 409, 422, 500, 501]

policy = RetryPolicy()


def cases() -> list[tuple[str, bool, Outcome, bool]]:
    """(method, keyed, outcome, expected retry) for every cell of the table."""
    rows: list[tuple[str, bool, Outcome, bool]] = []
    for method in SAFE + UNSAFE:
        for keyed in (False, True):
            safe = method in SAFE or keyed
            rows += [(method, keyed, Outcome(kind), True) for kind in NEVER_SENT]
            rows += [(method, keyed, Outcome(kind), safe) for kind in LOST]
            # 429 and a 503 with Retry-After say the request was not processed: any method
            rows += [
                (method, keyed, Outcome("status", s), safe or s == 429) for s in TRANSIENT_STATUSES
            ]
            rows.append((method, keyed, Outcome("status", 503, retry_after="1"), True))
            rows += [(method, keyed, Outcome("status", s), False) for s in PERMANENT_STATUSES]
            rows.append((method, keyed, Outcome("status", 409, retry_after="1"), safe))
            rows += [
                (method, keyed, Outcome(kind), False)
                for kind in ("redirect-loop", "tls-error", "invalid-request")
            ]
    return rows


@pytest.mark.parametrize(
    ("method", "keyed", "outcome", "retry"),
    cases(),
    ids=[
        f"{m}-{'key' if k else 'nokey'}-{o.label}{'-retry-after' if o.retry_after else ''}"
        for m, k, o, _ in cases()
    ],
)
def test_truth_table(method: str, keyed: bool, outcome: Outcome, retry: bool) -> None:
    verdict = policy.verdict(method, keyed, outcome)
    assert verdict.retry is retry
    assert verdict.reason


def test_the_reason_says_why_not() -> None:
    verdict = policy.verdict("POST", False, Outcome("reset-before-response"))
    assert verdict.reason == (
        "reset-before-response after sending a POST without an idempotency key"
    )


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("0", 0.0), ("1", 1.0), ("120", 120.0), (" 7 ", 7.0)],
)
def test_retry_after_seconds(header: str, seconds: float) -> None:
    assert parse_retry_after(header) == seconds


@pytest.mark.parametrize("header", ["1.5", "soon", "-3", "", "Wed, 99 Foo 2026"])
def test_malformed_retry_after_is_none(header: str) -> None:
    assert parse_retry_after(header) is None


def test_retry_after_http_date_is_relative_to_now() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    top = RetryPolicy(backoff_base=0.1, backoff_cap=1.0, rand=lambda: 1.0)
    assert [top.delay(n, Outcome("read-timeout")) for n in (1, 2, 3, 4, 5, 6)] == [
        (0.1, False),
        (0.2, False),
        (0.4, False),
        (0.8, False),
        (1.0, False),
        (1.0, False),
    ]
    bottom = RetryPolicy(rand=lambda: 0.0)
    assert bottom.delay(3, Outcome("status", 503)) == (0.0, False)


def test_retry_after_beats_backoff_and_garbage_falls_back() -> None:
    p = RetryPolicy(backoff_base=0.1, rand=lambda: 0.5)
    assert p.delay(1, Outcome("status", 503, retry_after="2")) == (2.0, True)
    assert p.delay(1, Outcome("status", 503, retry_after="soon")) == (0.05, False)


def test_budget_pays_retries_until_empty_and_refills_on_success() -> None:
    budget = RetryBudget(12, retry_cost=5, timeout_cost=10, success_refund=1)
    assert budget.acquire(Outcome("status", 503)) == 5
    assert budget.acquire(Outcome("status", 503)) == 5
    assert budget.acquire(Outcome("status", 503)) is None
    assert budget.refused == 1
    budget.succeeded(0)
    budget.succeeded(0)
    budget.succeeded(0)
    assert budget.tokens == 5
    assert budget.acquire(Outcome("read-timeout")) is None  # a timeout costs more
    budget.succeeded(5)  # a success after a paid retry gives the cost back
    assert budget.tokens == 10
    budget.succeeded(50)
    assert budget.tokens == 12  # never above capacity


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_attempts must be >= 1"):
        RetryPolicy(max_attempts=0)
