"""pytest plugin: the seed article's retry policy, for comparison in ``bench.flakiness``.

Every method is retried on connection errors, timeouts, 429 and any 5xx; a fixed 5 s sleep on
429, otherwise tenacity's ``wait_exponential(multiplier=1, min=2, max=10)``; 3 attempts; no
idempotency keys, no Retry-After, no budget.
"""

from __future__ import annotations

import math

import pytest

from client import Outcome, RetryPolicy, Verdict


class SeedArticlePolicy(RetryPolicy):
    def verdict(self, method: str, keyed: bool, outcome: Outcome) -> Verdict:
        if outcome.kind != "status":
            return Verdict(True, f"{outcome.kind} (seed policy retries every method)")
        status = outcome.status or 0
        return Verdict(status == 429 or status >= 500, f"{status} (seed policy)")

    def delay(self, attempt: int, outcome: Outcome) -> tuple[float, bool]:
        if outcome.status == 429:
            return 5.0, False
        return max(2.0, min(10.0, 2.0 ** (attempt - 1))), False


def pytest_api_bdd_retry_policy(config: pytest.Config) -> RetryPolicy:
    return SeedArticlePolicy(
        max_attempts=3, idempotency_key=None, budget=None, retry_after_cap=math.inf
    )
