"""The retry layer end to end against a scripted server, with sleep injected (no real waits)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from email.utils import formatdate

import pytest

from client import (
    ApiClient,
    ApiUnavailableError,
    DeadlineExceededError,
    Exchange,
    OutcomeUnknownError,
    RetryAfterTooLongError,
    RetryBudget,
    RetryPolicy,
    Timeouts,
    TransportError,
)
from tests.stub_server import Stub, StubHandler

Behaviour = Callable[[StubHandler], None]


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    return lambda h: h.reply(code, b'{"detail": "x"}', headers)


def ok(h: StubHandler) -> None:
    h.reply(200, b'{"ok": true}')


def created(h: StubHandler) -> None:
    h.reply(201, b'{"id": 1}')


def reset(h: StubHandler) -> None:
    """Close with RST before any response byte."""
    h.connection.setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
    )
    h.close_connection = True
    h.connection.close()


def cut_body(h: StubHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.write(b'{"partial":')
    h.wfile.flush()
    reset(h)


def script(stub: Stub, path: str, *behaviours: Behaviour) -> None:
    queue = list(behaviours)
    stub.route(path)(lambda h: queue.pop(0)(h) if queue else ok(h))


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


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


def test_503_with_retry_after_is_retried_after_exactly_that_wait(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/x", status(503, {"Retry-After": "2"}))
    exchange = client_for(stub, sleeps).get("/x")
    assert exchange.status == 200
    assert sleeps == [2.0]
    assert [(a.outcome, a.wait) for a in exchange.attempts] == [("503", 2.0), ("200", 0.0)]
    assert exchange.attempts[0].reason == "503 from the server (idempotent GET)"
    assert exchange.retried


def test_retry_after_as_http_date_is_honoured(stub: Stub, sleeps: Sleeps) -> None:
    when = formatdate(time.time() + 8, usegmt=True)  # whole seconds: 7 to 8 s from now
    script(stub, "/x", status(503, {"Retry-After": when}))
    exchange = client_for(stub, sleeps).get("/x")
    assert exchange.status == 200
    assert 5.0 <= sleeps[0] <= 8.0


def test_429_without_retry_after_backs_off_with_jitter(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", status(429), status(429), status(502), status(504))
    exchange = client_for(stub, sleeps, backoff_base=0.1).get("/x")
    assert exchange.status == 200
    assert sleeps == [0.05, 0.1, 0.2, 0.4]  # rand=0.5 of 0.1, 0.2, 0.4, 0.8


def test_garbage_retry_after_falls_back_to_backoff(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", status(503, {"Retry-After": "soon"}))
    assert client_for(stub, sleeps, backoff_base=0.2).get("/x").status == 200
    assert sleeps == [0.1]


def test_retry_after_above_the_cap_fails_at_once_saying_what_was_asked(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/x", status(503, {"Retry-After": "3600"}))
    with pytest.raises(RetryAfterTooLongError) as caught:
        client_for(stub, sleeps, retry_after_cap=10).get("/x")
    assert str(caught.value) == (
        f"GET {stub.url}/x: the server answered 503 and asked to wait 3600 s"
        " (Retry-After: 3600), more than the 10 s cap"
    )
    assert sleeps == []
    assert len(stub.state.seen) == 1


def test_transient_status_that_persists_returns_the_last_response(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/x", *[status(503)] * 5)
    exchange = client_for(stub, sleeps, max_attempts=5).get("/x")
    assert exchange.status == 503
    assert len(exchange.attempts) == 5
    assert len(sleeps) == 4


@pytest.mark.parametrize("code", [500, 400, 404, 409, 422])
def test_permanent_statuses_are_never_retried(stub: Stub, sleeps: Sleeps, code: int) -> None:
    script(stub, "/x", status(code), ok)
    exchange = client_for(stub, sleeps).post("/x")
    assert exchange.status == code
    assert len(stub.state.seen) == 1
    assert sleeps == []


def test_409_with_retry_after_is_retried_for_a_keyed_post(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", status(409, {"Retry-After": "1"}), created)
    exchange = client_for(stub, sleeps).post("/x", json={})
    assert exchange.status == 201
    assert sleeps == [1.0]


def test_post_gets_one_idempotency_key_reused_on_every_attempt(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders", status(503), reset, created)
    exchange = client_for(stub, sleeps).post("/orders", json={"q": 1})
    assert exchange.status == 201
    keys = {s.headers.get("Idempotency-Key") for s in stub.state.seen}
    assert len(stub.state.seen) == 3
    assert len(keys) == 1
    assert None not in keys


def test_a_callers_idempotency_key_is_kept(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders", created)
    client_for(stub, sleeps).post("/orders", json={}, headers={"Idempotency-Key": "mine"})
    assert stub.state.seen[0].headers["Idempotency-Key"] == "mine"


def test_post_without_key_that_loses_its_answer_raises_outcome_unknown(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/orders", reset, created)
    client = client_for(stub, sleeps, idempotency_key=None)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.post("/orders", json={"q": 1})
    assert str(caught.value) == (
        "POST /orders: the answer was lost after the request was sent; it may have been applied"
        " (the API does not declare an idempotency key, so it was not retried)"
    )
    assert len(stub.state.seen) == 1
    assert caught.value.attempts[0].outcome == "reset-before-response"


def test_post_without_key_is_not_retried_on_503(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders", status(503), created)
    exchange = client_for(stub, sleeps, idempotency_key=None).post("/orders", json={})
    assert exchange.status == 503
    assert len(stub.state.seen) == 1


def test_get_is_retried_after_a_reset_and_a_cut_body(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", reset, cut_body)
    exchange = client_for(stub, sleeps).get("/x")
    assert exchange.status == 200
    assert [a.outcome for a in exchange.attempts] == [
        "reset-before-response",
        "reset-mid-body",
        "200",
    ]


def test_read_timeout_is_retried_for_get(stub: Stub, sleeps: Sleeps) -> None:
    held = threading.Event()  # the first request gets no answer until the test is done

    def hold(handler: StubHandler) -> None:
        held.wait(10)

    script(stub, "/x", hold)
    client = ApiClient(
        stub.url,
        # wide enough that the second attempt is answered in time on a loaded CI machine
        timeouts=Timeouts(read=1.0),
        retry_policy=RetryPolicy(sleep=sleeps, rand=lambda: 0.0),
    )
    try:
        exchange = client.get("/x")
    finally:
        held.set()
    assert [a.outcome for a in exchange.attempts] == ["read-timeout", "200"]


def test_connect_failures_are_retried_even_for_post_then_reported(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = RetryPolicy(max_attempts=3, sleep=sleeps, rand=lambda: 1.0, idempotency_key=None)
    with pytest.raises(TransportError) as caught:
        ApiClient(f"http://127.0.0.1:{port}", retry_policy=policy).post("/x", json={})
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert "failed after 3 attempts: connection failed" in str(caught.value)
    assert [a.outcome for a in caught.value.attempts] == ["connect-error"] * 3
    assert sleeps == [0.1, 0.2]


def test_an_empty_budget_stops_retrying_with_the_api_looks_down(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", *[status(503)] * 50)
    client = client_for(stub, sleeps, budget=RetryBudget(10, retry_cost=5))
    for _ in range(3):
        with pytest.raises(ApiUnavailableError, match="the API looks down"):
            client.get("/x")
    assert len(stub.state.seen) == 3 + 1 + 1  # 1 + the 2 retries paid for, then one attempt each


def test_the_deadline_stops_retrying(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", *[reset] * 10)
    client = ApiClient(
        stub.url,
        timeouts=Timeouts(deadline=1.0),
        retry_policy=RetryPolicy(sleep=sleeps, retry_after_cap=100, rand=lambda: 0.0),
    )
    script(stub, "/y", status(503, {"Retry-After": "5"}))
    assert client.get("/y").status == 503  # waiting 5 s would pass the 1 s deadline
    assert sleeps == []


def test_a_failed_request_still_reaches_listeners(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/orders", reset)
    client, seen = client_for(stub, sleeps, idempotency_key=None), list[Exchange]()
    client.add_listener(seen.append)
    with pytest.raises(OutcomeUnknownError):
        client.post("/orders", json={})
    assert seen[0].status == 0
    assert "it may have been applied" in seen[0].error
    assert seen[0].describe() == f"POST {stub.url}/orders -> no response"


def test_the_deadline_bounds_all_attempts_together(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/x", *[lambda h: time.sleep(0.5)] * 10)
    client = ApiClient(
        stub.url,
        timeouts=Timeouts(read=0.1, deadline=0.25),
        retry_policy=RetryPolicy(max_attempts=5, sleep=sleeps, rand=lambda: 0.0),
    )
    with pytest.raises(DeadlineExceededError, match=r"0\.25 s request deadline"):
        client.get("/x")
    # each try times out after 0.1 s at most: the deadline, not the 5 attempts, ended it
    assert 2 <= len(stub.state.seen) <= 3
