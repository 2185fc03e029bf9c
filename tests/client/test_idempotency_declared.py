"""Non-idempotent requests are never duplicated silently: a POST or PATCH that may have reached
the server is retried only when the API declares an idempotency key (the profile's
``idempotency_key``); otherwise only when it never left, or the answer says it was not
processed (429; 503 with Retry-After)."""

from __future__ import annotations

from pathlib import Path

import pytest

from client import ApiClient, OutcomeUnknownError, RetryPolicy
from client.profiles import ProfileError, load_profiles
from tests.client.test_retrying import Sleeps, created, reset, script, status
from tests.conftest import SUITES_PROFILES
from tests.stub_server import Stub


def unkeyed(stub: Stub, sleeps: Sleeps) -> ApiClient:
    return ApiClient(stub.url, retry_policy=RetryPolicy(sleep=sleeps, rand=lambda: 0.5))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def test_no_idempotency_key_is_sent_when_the_api_declares_none(stub: Stub, sleeps: Sleeps) -> None:
    script(stub, "/items", created)
    unkeyed(stub, sleeps).post("/items", json={})
    assert not any(name.lower() == "idempotency-key" for name in stub.state.seen[0].headers)


def test_the_declared_idempotency_key_header_is_sent_the_same_on_every_attempt(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/items", reset, created)
    policy = RetryPolicy(sleep=sleeps, rand=lambda: 0.5, idempotency_key="X-Request-Key")
    exchange = ApiClient(stub.url, retry_policy=policy).post("/items", json={})
    assert exchange.status == 201
    keys = [seen.headers.get("X-Request-Key") for seen in stub.state.seen]
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]


def test_a_lost_answer_to_a_post_fails_in_one_line_when_the_api_declares_no_key(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/items", reset, created)
    with pytest.raises(OutcomeUnknownError) as caught:
        unkeyed(stub, sleeps).post("/items", json={"name": "a"})
    assert str(caught.value) == (
        "POST /items: the answer was lost after the request was sent; it may have been applied"
        " (the API does not declare an idempotency key, so it was not retried)"
    )
    assert len(stub.state.seen) == 1  # sent once: no duplicate
    assert caught.value.exchange is not None
    assert [a.outcome for a in caught.value.exchange.attempts] == ["reset-before-response"]


def test_an_unkeyed_post_is_retried_after_a_429_which_says_it_was_not_processed(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/items", status(429), created)
    exchange = unkeyed(stub, sleeps).post("/items", json={})
    assert [a.outcome for a in exchange.attempts] == ["429", "201"]
    assert exchange.attempts[0].reason == "429: the server did not process the POST"


def test_an_unkeyed_patch_is_retried_after_a_503_with_retry_after(
    stub: Stub, sleeps: Sleeps
) -> None:
    script(stub, "/items", status(503, {"Retry-After": "1"}), created)
    exchange = unkeyed(stub, sleeps).patch("/items", json={})
    assert [a.outcome for a in exchange.attempts] == ["503", "201"]
    assert sleeps == [1.0]


@pytest.mark.parametrize("code", [502, 503, 504])
def test_an_unkeyed_post_is_not_retried_on_an_answer_that_may_follow_processing(
    stub: Stub, sleeps: Sleeps, code: int
) -> None:
    script(stub, "/items", status(code), created)
    exchange = unkeyed(stub, sleeps).post("/items", json={})
    assert exchange.status == code
    assert len(stub.state.seen) == 1


def test_the_shop_profile_declares_its_idempotency_key_and_httpbin_none(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(SUITES_PROFILES)
    profiles = load_profiles(tmp_path)
    assert profiles.get("shop").idempotency_key == "Idempotency-Key"
    assert profiles.get("httpbin").idempotency_key is None


def test_an_idempotency_key_that_is_not_a_header_name_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.api-bdd.profiles.a]\nbase_url = "http://127.0.0.1:1"\n'
        'idempotency_key = "Idempotency Key"\n'
    )
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    assert str(caught.value) == (
        "pyproject.toml: [tool.api-bdd.profiles.a] idempotency_key: Value error,"
        " 'Idempotency Key' is not an HTTP header name"
    )
