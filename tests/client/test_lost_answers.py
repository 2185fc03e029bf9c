"""Requests whose answer was lost: what the exchange and the error say about the outcome."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from client import (
    ApiClient,
    DeadlineExceededError,
    Exchange,
    OutcomeUnknownError,
    RetryBudget,
    RetryPolicy,
    Timeouts,
)
from tests.client.test_retrying import Sleeps, created, reset, script, status
from tests.stub_server import Stub, StubHandler, stub_server

KEY = "Idempotency-Key"


def no_content(h: StubHandler) -> None:
    h.send_response(204)
    h.end_headers()


def not_found(h: StubHandler) -> None:
    h.reply(404, b'{"detail": "order 1 not found"}')


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def client_for(stub: Stub, sleeps: Sleeps, **policy: object) -> ApiClient:
    settings: dict[str, object] = {
        "sleep": sleeps,
        "rand": lambda: 0.5,
        "idempotency_key": "Idempotency-Key",  # as the API declared one, unless a test says not
        **policy,
    }
    return ApiClient(stub.url, retry_policy=RetryPolicy(**settings))  # type: ignore[arg-type]


# -- DELETE: a key, and a 404 after a lost attempt ------------------------------------------------
def test_delete_gets_one_idempotency_key_reused_on_every_attempt(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/orders/1", reset, no_content)
    exchange = client_for(stub, sleeps).delete("/orders/1")
    assert exchange.status == 204
    keys = [s.headers.get("Idempotency-Key") for s in stub.state.seen]
    assert len(keys) == 2
    assert keys[0] is not None
    assert keys[0] == keys[1]


def test_a_delete_that_finds_nothing_after_a_lost_attempt_counts_as_applied(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/orders/1", reset, not_found)
    exchange = client_for(stub, sleeps, idempotency_key=None).delete("/orders/1")
    assert exchange.status == 404
    assert exchange.applied_by_earlier_attempt
    assert [a.outcome_unknown for a in exchange.attempts] == [True, False]
    reason = exchange.attempts[-1].reason
    assert "attempt 1 (reset-before-response)" in reason
    assert "counted as applied" in reason
    record = json.loads(json.dumps(exchange.to_dict()))
    assert record["applied_by_earlier_attempt"] is True
    assert record["attempts"][-1]["reason"] == reason
    assert exchange.note == reason


@pytest.mark.parametrize(
    "behaviours",
    [(not_found,), (status(503), not_found)],
    ids=["first-attempt", "after-a-503-that-ran-nothing"],
)
def test_a_delete_404_without_a_lost_attempt_is_a_plain_404(
    stub: Stub, sleeps: Sleeps, behaviours: tuple[object, ...]
) -> None:
    script(stub, "/orders/1", *behaviours)  # type: ignore[arg-type]
    exchange = client_for(stub, sleeps).delete("/orders/1")
    assert exchange.status == 404
    assert not exchange.applied_by_earlier_attempt
    assert exchange.attempts[-1].reason == ""


def test_a_delete_404_after_a_gateway_timeout_counts_as_applied(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders/1", status(504), not_found)
    exchange = client_for(stub, sleeps).delete("/orders/1")
    assert exchange.applied_by_earlier_attempt


# -- a POST sent once without a known outcome stays "outcome unknown" ----------------------------
@pytest.fixture
def dying_stub(sleeps: Sleeps) -> Iterator[tuple[Stub, Sleeps]]:
    """A stub that stops listening at the first retry wait: every later attempt is refused."""
    with ExitStack() as stack:
        stub = stack.enter_context(stub_server())

        def sleep_then_die(seconds: float) -> None:
            sleeps(seconds)
            stack.close()

        yield stub, sleep_then_die  # type: ignore[misc]


def test_a_keyed_post_whose_answer_was_lost_then_refused_is_outcome_unknown(
    dying_stub: tuple[Stub, Sleeps],
) -> None:
    stub, sleep = dying_stub
    script(stub, "/orders", reset)
    client = ApiClient(
        stub.url, retry_policy=RetryPolicy(max_attempts=3, sleep=sleep, idempotency_key=KEY)
    )
    seen: list[Exchange] = []
    client.add_listener(seen.append)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.post("/orders", json={"product_id": 1, "quantity": 1})
    message = str(caught.value)
    assert message.startswith(
        f"POST {stub.url}/orders: outcome unknown, the request may have been applied:"
        " attempt 1 was sent and its answer lost (reset-before-response); then failed after"
        " 3 attempts: connection failed"
    )
    assert [a.outcome for a in caught.value.attempts] == [
        "reset-before-response",
        "connect-error",
        "connect-error",
    ]
    assert caught.value.outcome_unknown
    assert caught.value.exchange is seen[0]
    assert seen[0].outcome_unknown
    assert seen[0].to_dict()["outcome_unknown"] is True


def test_a_keyed_post_whose_answer_was_lost_stays_unknown_when_the_budget_runs_out(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/orders", reset, *[status(503)] * 5)
    client = client_for(stub, sleeps, budget=RetryBudget(10, retry_cost=5))
    lost_then_down = r"answer lost \(reset-before-response\); then the API looks down"
    with pytest.raises(OutcomeUnknownError, match=lost_then_down):
        client.post("/orders", json={})


def test_a_keyed_post_whose_answer_was_lost_then_only_503s_is_flagged_unknown(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/orders", reset, *[status(503)] * 5)
    exchange = client_for(stub, sleeps, max_attempts=4).post("/orders", json={})
    assert exchange.status == 503
    assert exchange.retries_exhausted
    assert exchange.outcome_unknown
    assert not exchange.recovered
    assert exchange.note.startswith("outcome unknown, the request may have been applied")


def test_a_keyed_post_whose_retry_succeeded_is_known(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders", reset, created)
    exchange = client_for(stub, sleeps).post("/orders", json={})
    assert exchange.status == 201
    assert exchange.recovered
    assert not exchange.outcome_unknown
    assert exchange.note == ""


def test_a_get_that_failed_on_every_attempt_says_so(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", *[status(503)] * 3)
    exchange = client_for(stub, sleeps, max_attempts=3).get("/x")
    assert (exchange.status, exchange.retries_exhausted, exchange.recovered) == (503, True, False)
    assert exchange.note == "every one of 3 attempts failed"


def test_an_unkeyed_post_with_no_answer_by_the_deadline_is_outcome_unknown(stub: Stub) -> None:
    stub.route("/orders")(lambda h: time.sleep(0.5))  # processes, never answers in time
    client = ApiClient(
        stub.url,
        timeouts=Timeouts(read=5, deadline=0.2),
        retry_policy=RetryPolicy(idempotency_key=None),
    )
    with pytest.raises(OutcomeUnknownError, match="it may have been applied"):
        client.post("/orders", json={})


def test_a_get_with_no_answer_by_the_deadline_is_still_a_deadline_error(stub: Stub) -> None:
    stub.route("/slow")(lambda h: time.sleep(0.5))
    client = ApiClient(stub.url, timeouts=Timeouts(read=5, deadline=0.2))
    with pytest.raises(DeadlineExceededError, match=r"within the 0\.2 s request deadline") as err:
        client.get("/slow")
    assert not err.value.outcome_unknown
