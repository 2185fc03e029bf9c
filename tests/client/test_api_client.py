"""ApiClient against a scripted server: joining, pooling, limits, failures, and what it shows."""

from __future__ import annotations

import json
import socket
import time
from decimal import Decimal

import pytest

from client import (
    ApiClient,
    DeadlineExceededError,
    Exchange,
    ResponseTooLargeError,
    RetryBudget,
    RetryPolicy,
    Timeouts,
    TransportError,
    no_retries,
)
from tests.stub_server import Stub, StubHandler, stub_server


def ok(handler: StubHandler) -> None:
    handler.reply(200, b'{"ok": true}')


def test_paths_join_the_base_url_including_its_path(stub: Stub) -> None:
    stub.route("/api/v1/items")(ok)
    client = ApiClient(f"{stub.url}/api/v1/")
    assert client.get("/items").status == 200
    assert client.get("items").status == 200
    assert [s.path for s in stub.state.seen] == ["/api/v1/items", "/api/v1/items"]


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="the scheme must be http or https"):
        ApiClient("ftp://example.test")


def test_one_connection_serves_many_requests_and_derived_clients(stub: Stub) -> None:
    stub.route("/ping")(ok)
    client = ApiClient(stub.url)
    for i in range(10):
        (client if i % 2 else client.authorized(f"token-{i}")).get("/ping")
    assert stub.state.connections == 1


def test_json_bodies_carry_decimals_exactly(stub: Stub) -> None:
    stub.route("/orders")(ok)
    ApiClient(stub.url).post("/orders", json={"price": Decimal("29.99"), "n": 2})
    seen = stub.state.seen[0]
    assert json.loads(seen.body) == {"price": "29.99", "n": 2}
    assert seen.headers["Content-Type"] == "application/json"


def test_exchange_records_request_and_response(stub: Stub) -> None:
    stub.route("/things")(lambda h: h.reply(201, b'{"id": 7}', {"Location": "/things/7"}))
    exchange = ApiClient(stub.url).post("/things", json={"a": 1}, params={"page": 2})
    assert (exchange.method, exchange.status, exchange.json()) == ("POST", 201, {"id": 7})
    assert exchange.url == f"{stub.url}/things?page=2"
    assert exchange.request_body == b'{"a": 1}'
    assert exchange.headers["Location"] == "/things/7"
    assert len(exchange.attempts) == 1
    assert exchange.elapsed > 0


def test_exchange_repr_and_dict_hide_credentials(stub: Stub) -> None:
    stub.route("/me")(lambda h: h.reply(200, b"{}", {"Set-Cookie": "session=s3cr3t-cookie"}))
    client = ApiClient(stub.url).authorized("tok-very-secret-value")
    exchange = client.get("/me", params={"api_key": "key-very-secret", "page": "1"})
    shown = repr(exchange) + json.dumps(exchange.to_dict())
    for secret in ("tok-very-secret-value", "key-very-secret", "s3cr3t-cookie"):
        assert secret not in shown
    assert "page=1" in shown
    assert exchange.to_dict()["request_headers"]["Authorization"] == "***"


def test_json_on_a_non_json_body_names_the_request(stub: Stub) -> None:
    stub.route("/page")(lambda h: h.reply(200, b"<html>hi</html>", {"X": "y"}))
    exchange = ApiClient(stub.url).get("/page")
    with pytest.raises(ValueError, match=r"GET .*/page -> 200: response body is not JSON"):
        exchange.json()


def test_listeners_see_every_exchange_of_derived_clients(stub: Stub) -> None:
    stub.route("/ping")(ok)
    client, seen = ApiClient(stub.url), list[Exchange]()
    listener = seen.append
    client.add_listener(listener)
    client.get("/ping")
    client.authorized("t").get("/ping")
    client.remove_listener(listener)
    client.get("/ping")
    assert [type(e) for e in seen] == [Exchange, Exchange]


def test_refused_connection_is_a_transport_error_naming_the_request() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ApiClient(f"http://127.0.0.1:{port}", retry_policy=no_retries())
    with pytest.raises(TransportError) as caught:
        client.get("/x", params={"token": "abc-secret"})
    message = str(caught.value)
    assert message == (
        f"GET http://127.0.0.1:{port}/x?token=*** failed after 1 attempt:"
        " connection failed (ConnectionRefusedError)"
    )
    assert "abc-secret" not in message


def test_read_timeout_is_a_transport_error(stub: Stub) -> None:
    stub.route("/slow")(lambda h: time.sleep(0.5))  # never answers in time
    client = ApiClient(stub.url, timeouts=Timeouts(read=0.1), retry_policy=no_retries())
    with pytest.raises(TransportError, match="read timeout"):
        client.get("/slow")


def test_deadline_bounds_a_dribbled_body(stub: Stub) -> None:
    def dribble(handler: StubHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):  # each byte well within the read timeout, the whole far beyond
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.02)

    stub.route("/dribble")(dribble)
    client = ApiClient(stub.url, timeouts=Timeouts(read=1, deadline=0.3))
    with pytest.raises(DeadlineExceededError, match=r"0\.3 s request deadline"):
        client.get("/dribble")


def test_body_size_is_limited(stub: Stub) -> None:
    stub.route("/huge")(lambda h: h.reply(200, b"x" * 300_000))
    with pytest.raises(ResponseTooLargeError, match="passed 100000 bytes"):
        ApiClient(stub.url, max_body=100_000).get("/huge")


def test_body_cut_mid_way_is_a_transport_error(stub: Stub) -> None:
    def cut(handler: StubHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"x" * 10)
        handler.wfile.flush()
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    stub.route("/cut")(cut)
    with pytest.raises(
        TransportError, match=r"GET .*/cut failed after 1 attempt: connection broken"
    ):
        ApiClient(stub.url, retry_policy=no_retries()).get("/cut")


def test_redirect_loop_is_a_transport_error(stub: Stub) -> None:
    stub.route("/loop")(lambda h: h.reply(302, b"", {"Location": "/loop"}))
    with pytest.raises(TransportError, match="too many redirects"):
        ApiClient(stub.url).get("/loop")


def test_cross_origin_redirect_drops_every_credential_header(stub: Stub) -> None:
    with stub_server() as other:  # same host, another port: another origin
        other.route("/landing")(ok)
        stub.route("/go")(lambda h: h.reply(302, b"", {"Location": f"{other.url}/landing"}))
        stub.route("/stay")(lambda h: h.reply(302, b"", {"Location": "/here"}))
        stub.route("/here")(ok)
        client = ApiClient(stub.url, headers={"X-API-Key": "k-123"}).authorized("t-456")
        assert client.get("/go").status == 200
        assert client.get("/stay").status == 200
        landed = other.state.seen[0].headers
        assert "X-API-Key" not in landed
        assert "Authorization" not in landed
        same_origin = stub.state.seen[-1].headers
        assert same_origin["X-API-Key"] == "k-123"
        assert same_origin["Authorization"] == "Bearer t-456"


@pytest.mark.parametrize(
    "kwargs", [{"connect": 0}, {"read": -1}, {"deadline": 0}], ids=["connect", "read", "deadline"]
)
def test_timeouts_reject_non_positive_values(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be > 0"):
        Timeouts(**kwargs)


@pytest.mark.parametrize("code", [307, 308])
def test_a_cross_origin_307_or_308_never_re_sends_the_body(stub: Stub, code: int) -> None:
    with stub_server() as other:
        other.route("/login")(ok)
        target = f"{other.url}/login"
        stub.route("/login")(lambda h: h.reply(code, b"", {"Location": target}))
        client = ApiClient(stub.url, retry_policy=no_retries())
        with pytest.raises(TransportError) as caught:
            client.post("/login", data={"username": "alice", "password": "pw-never-forwarded"})
        assert other.state.seen == []  # neither the body nor anything else went there
        message = str(caught.value)
        assert message == (
            f"POST {stub.url}/login failed: {code} redirect to another origin ({other.url}) not"
            " followed: it would re-send the request body there; point the base URL at that"
            " origin if it is the API, or list it in the profile's trusted_origins"
        )
        assert caught.value.attempts[0].outcome == "unsafe-redirect"


def test_a_same_origin_307_keeps_the_body(stub: Stub) -> None:
    stub.route("/old")(lambda h: h.reply(307, b"", {"Location": "/new"}))
    stub.route("/new")(ok)
    ApiClient(stub.url).post("/old", json={"q": 1})
    assert [(s.path, s.body) for s in stub.state.seen] == [
        ("/old", b'{"q": 1}'),
        ("/new", b'{"q": 1}'),
    ]


def test_a_cross_origin_303_after_a_post_is_followed_as_a_bodiless_get(stub: Stub) -> None:
    with stub_server() as other:
        other.route("/done")(ok)
        stub.route("/orders")(lambda h: h.reply(303, b"", {"Location": f"{other.url}/done"}))
        client = ApiClient(stub.url, headers={"X-API-Key": "k-123"})
        assert client.post("/orders", json={"q": 1}).status == 200
        landed = other.state.seen[0]
        assert (landed.method, landed.body) == ("GET", b"")
        assert "X-API-Key" not in landed.headers


def test_a_request_with_retries_off_is_sent_once_and_spends_no_budget(stub: Stub) -> None:
    stub.route("/x")(lambda h: h.reply(503, b"{}"))
    budget = RetryBudget(50)
    client = ApiClient(stub.url, retry_policy=RetryPolicy(budget=budget, sleep=lambda s: None))
    assert client.get("/x", retries=False).status == 503
    assert client.without_retries().authorized("t").get("/x").status == 503
    assert len(stub.state.seen) == 2
    assert (budget.tokens, budget.spent, budget.refused) == (50, 0, 0)
    assert client.get("/x").status == 503  # the client itself still retries
    assert len(stub.state.seen) == 2 + 5
    assert budget.spent > 0


def test_a_client_without_retries_shares_connections_and_listeners(stub: Stub) -> None:
    stub.route("/ping")(ok)
    client, seen = ApiClient(stub.url), list[Exchange]()
    client.add_listener(seen.append)
    client.get("/ping")
    client.without_retries().get("/ping")
    assert len(seen) == 2
    assert stub.state.connections == 1
