"""pytest plugin for ``bench.flakiness``: counts one run and writes it as JSON (``--bench-out``).

Counts scenario outcomes, requests retried and the waits (with what the server asked for), the
orders the scenarios meant to create (per product: POST /orders that did not end in a
business refusal) and, from the embedded demo API, the orders it actually created.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from client import ApiClient, Exchange


class Counting:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.started = time.monotonic()
        self.outcomes: dict[str, str] = {}
        self.requests = 0
        self.retried = 0
        self.waited = 0.0
        self.over_asked = 0  # waits longer than the Retry-After asked for (or the backoff cap)
        self.longest_wait = 0.0
        self.meant: Counter[int] = Counter()
        self.collected = 0

    def record(self, exchange: Exchange) -> None:
        self.requests += 1
        if exchange.retried:
            self.retried += 1
        for attempt in exchange.attempts:
            self.waited += attempt.wait
            self.longest_wait = max(self.longest_wait, attempt.wait)
            if attempt.retry_after is not None and attempt.wait > attempt.retry_after + 0.001:
                self.over_asked += 1
        if exchange.method == "POST" and exchange.url.endswith("/orders"):
            # A business refusal (no token, unknown product, short stock) means nothing was to be
            # created, unless an earlier attempt was lost on the way back: that one may have
            # created the order the refusal is now about.
            lost_before = any(not a.outcome.isdigit() for a in exchange.attempts[:-1])
            if exchange.status in (401, 404, 409, 422) and not lost_before:
                return
            body = json.loads(exchange.request_body or b"{}")
            self.meant[int(body["product_id"])] += 1

    def pytest_api_bdd_client_created(self, client: ApiClient) -> None:
        client.add_listener(self.record)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = len(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed or report.nodeid not in self.outcomes:
            self.outcomes[report.nodeid] = "failed" if report.failed else report.outcome

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        from steps.fixtures import EMBEDDED_API

        stats = session.config.stash[EMBEDDED_API].stats()
        created = {int(k): v for k, v in stats["orders_created_by_product"].items()}
        duplicates = sum(max(0, n - self.meant.get(p, 0)) for p, n in created.items())
        self.out.write_text(
            json.dumps(
                {
                    "scenarios": len(self.outcomes),
                    "collected": self.collected,
                    "exit_status": int(exitstatus),
                    "failed": sum(1 for o in self.outcomes.values() if o == "failed"),
                    "failed_ids": sorted(k for k, o in self.outcomes.items() if o == "failed"),
                    "requests": self.requests,
                    "retried": self.retried,
                    "waited": self.waited,
                    "longest_wait": self.longest_wait,
                    "over_asked": self.over_asked,
                    "wall": time.monotonic() - self.started,
                    "orders_meant": sum(self.meant.values()),
                    "orders_created": sum(created.values()),
                    "duplicate_orders": duplicates,
                    "server_requests": stats["requests"],
                    "faults": stats["faults"],
                }
            )
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--bench-out", help="where bench.counting writes its JSON")


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("bench_out")
    if out:
        config.pluginmanager.register(Counting(Path(out)), "bench-counting")
