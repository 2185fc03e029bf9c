"""Retry accounting: from a scenario's exchanges to JUnit properties and summary lines.

Retries that hide a degrading service are a defect, so every scenario that needed them is
named in the terminal summary, with what was retried and how long it waited. A scenario is
"passed after retries" only when retrying made one of its requests succeed; one whose retried
requests failed on every attempt (a scenario expecting a 503 that was retried anyway) passed
without any retry succeeding, and is listed as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from client import Exchange
from reporting.spec import plural

# JUnit <property> names; also read back from reports on the controller (xdist-safe).
RETRIED = "api_retried_requests"
EXTRA_ATTEMPTS = "api_retry_extra_attempts"
WAITED = "api_retry_wait_seconds"
REASONS = "api_retry_reasons"
RECOVERED = "api_retry_recovered_requests"  # retried requests that a retry made succeed
_NAMES = (RETRIED, EXTRA_ATTEMPTS, WAITED, REASONS, RECOVERED)


def retry_properties(exchanges: Iterable[Exchange]) -> list[tuple[str, str]]:
    """JUnit properties for a scenario's exchanges; empty when nothing was retried."""
    retried = [e for e in exchanges if e.retried]
    if not retried:
        return []
    reasons: Counter[str] = Counter(a.outcome for e in retried for a in e.attempts[:-1])
    return [
        (RETRIED, str(len(retried))),
        (RECOVERED, str(sum(1 for e in retried if e.recovered))),
        (EXTRA_ATTEMPTS, str(sum(len(e.attempts) - 1 for e in retried))),
        (WAITED, f"{sum(e.waited for e in retried):.3f}"),
        (REASONS, ", ".join(f"{kind} x{n}" for kind, n in sorted(reasons.items()))),
    ]


@dataclass
class RetriedScenario:
    nodeid: str
    retried: int
    extra_attempts: int
    waited: float
    reasons: str
    recovered: int


@dataclass
class RetryLedger:
    """Collects, on the controller, the scenarios whose requests were retried."""

    scenarios: dict[str, RetriedScenario] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def add(self, nodeid: str, failed: bool, properties: Sequence[tuple[str, object]]) -> None:
        if failed:
            self.failed.add(nodeid)
        found = {k: str(v) for k, v in properties if k in _NAMES}
        if RETRIED in found:
            self.scenarios[nodeid] = RetriedScenario(
                nodeid,
                int(found[RETRIED]),
                int(found[EXTRA_ATTEMPTS]),
                float(found[WAITED]),
                found[REASONS],
                int(found.get(RECOVERED, found[RETRIED])),
            )

    def verdict(self, scenario: RetriedScenario) -> str:
        if scenario.nodeid in self.failed:
            return "FAILED despite retries"
        if scenario.recovered:
            return "passed after retries"
        return "passed, but no retry succeeded (every attempt failed)"

    def lines(self, total_scenarios: int) -> list[str]:
        if not self.scenarios:
            return []
        out = []
        for s in sorted(self.scenarios.values(), key=lambda s: s.nodeid):
            out.append(
                f"{self.verdict(s)}: {s.nodeid}: {plural(s.retried, 'retried request')},"
                f" {plural(s.extra_attempts, 'extra attempt')}, {s.waited:.2f} s waited"
                f" ({s.reasons})"
            )
        passed_after = sum(
            1 for s in self.scenarios.values() if self.verdict(s) == "passed after retries"
        )
        waited = sum(s.waited for s in self.scenarios.values())
        requests = sum(s.retried for s in self.scenarios.values())
        out.append(
            f"{passed_after} of {plural(total_scenarios, 'scenario')} passed only after retries;"
            f" {plural(requests, 'request')} retried, {waited:.2f} s spent waiting"
        )
        return out
