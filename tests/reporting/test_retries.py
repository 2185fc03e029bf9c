"""The retry ledger: which scenarios the summary calls "passed after retries", and which not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client import ApiClient, Exchange, RetryPolicy
from reporting.retries import RetryLedger, retry_properties
from tests.stub_server import Stub, stub_server


@pytest.fixture
def stub() -> Iterator[Stub]:
    with stub_server() as server:
        yield server


def exchanges_for(stub: Stub, *statuses: int) -> list[Exchange]:
    """One GET that sees ``statuses`` in turn (200 once they run out), at most 3 attempts."""
    queue = list(statuses)
    stub.route("/x")(lambda h: h.reply(queue.pop(0) if queue else 200, b"{}"))
    client = ApiClient(stub.url, retry_policy=RetryPolicy(max_attempts=3, sleep=lambda s: None))
    return [client.get("/x")]


def ledger_lines(nodeid: str, failed: bool, exchanges: list[Exchange]) -> list[str]:
    ledger = RetryLedger()
    ledger.add(nodeid, failed, retry_properties(exchanges))
    return ledger.lines(total_scenarios=1)


def test_a_scenario_whose_every_attempt_failed_is_not_listed_as_passed_after_retries(
    stub: Stub,
) -> None:
    lines = ledger_lines("t::expects_503", False, exchanges_for(stub, 503, 503, 503))
    assert lines[0].startswith(
        "passed, but no retry succeeded (every attempt failed): t::expects_503: 1 retried"
        " request, 2 extra attempts"
    )
    assert not any(line.startswith("passed after retries") for line in lines)
    assert lines[-1].startswith("0 of 1 scenario passed only after retries;")


def test_a_scenario_that_a_retry_rescued_is_listed_as_passed_after_retries(stub: Stub) -> None:
    lines = ledger_lines("t::flaky", False, exchanges_for(stub, 503))
    assert lines[0].startswith("passed after retries: t::flaky: 1 retried request,")
    assert lines[-1].startswith("1 of 1 scenario passed only after retries;")


def test_a_failed_scenario_is_failed_despite_retries(stub: Stub) -> None:
    lines = ledger_lines("t::broken", True, exchanges_for(stub, 503))
    assert lines[0].startswith("FAILED despite retries: t::broken")
    assert lines[-1].startswith("0 of 1 scenario passed only after retries;")


def test_the_properties_count_the_requests_a_retry_rescued(stub: Stub) -> None:
    rescued = exchanges_for(stub, 503)
    in_vain = exchanges_for(stub, 503, 503, 503)
    properties = dict(retry_properties(rescued + in_vain))
    assert properties["api_retried_requests"] == "2"
    assert properties["api_retry_recovered_requests"] == "1"
