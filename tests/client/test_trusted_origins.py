"""Credentials go only where the profile says: what the auth layer adds (any header name, a
query parameter, a cookie) reaches the base URL's origin and the profile's trusted origins,
never another one, on a redirect or when a step names an absolute URL; and each hop of a
redirect is recorded as it was sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client import ApiClient, Credentials, Exchange, no_retries
from client.auth import Authenticator
from client.profiles import ApiKeyAuth, ProfileError, load_profiles
from reporting.records import exchange_record
from tests.stub_server import Stub, StubHandler, stub_server

KEY = "functions-key-0123456789abcdef"
CREDENTIALS = Credentials(
    headers={"X-Functions-Key": KEY, "X-Mashape-Key": KEY},
    params={"code": KEY},
    cookies={"apikey_cookie": KEY},
)


def ok(h: StubHandler) -> None:
    h.reply(200, b'{"ok": true}')


def redirect(code: int, location: str) -> Callable[[StubHandler], None]:
    return lambda h: h.reply(code, b"", {"Location": location})


@pytest.fixture
def other() -> Iterator[Stub]:
    with stub_server() as server:
        server.route("/landing")(ok)
        yield server


def leaked(server: Stub) -> list[str]:
    """Every place a credential value reached ``server``."""
    found = []
    for seen in server.state.seen:
        found += [f"header {k}" for k, v in seen.headers.items() if KEY in v]
        found += ["query"] if KEY in seen.path else []
        found += ["body"] if KEY.encode() in seen.body else []
    return found


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_no_credential_of_any_name_is_sent_to_another_origin_on_redirect(
    stub: Stub, other: Stub, code: int
) -> None:
    stub.route("/start")(redirect(code, f"{other.url}/landing"))
    client = ApiClient(stub.url, retry_policy=no_retries())
    exchange = client.get("/start", credentials=CREDENTIALS)
    assert exchange.status == 200
    assert len(other.state.seen) == 1
    assert leaked(other) == []
    assert leaked(stub) == [
        "header X-Functions-Key",
        "header X-Mashape-Key",
        "header Cookie",
        "query",
    ]


def test_no_credential_is_sent_to_an_absolute_url_on_another_host(stub: Stub, other: Stub) -> None:
    client = ApiClient(stub.url, retry_policy=no_retries())
    exchange = client.get(f"{other.url}/landing", credentials=CREDENTIALS)
    assert exchange.status == 200
    assert leaked(other) == []


def test_a_trusted_origin_receives_the_credentials(stub: Stub, other: Stub) -> None:
    stub.route("/start")(redirect(302, f"{other.url}/landing"))
    client = ApiClient(stub.url, retry_policy=no_retries(), trusted_origins=[other.url])
    client.get("/start", credentials=CREDENTIALS)
    client.get(f"{other.url}/landing", credentials=CREDENTIALS)
    assert (
        leaked(other)
        == ["header X-Functions-Key", "header X-Mashape-Key", "header Cookie", "query"] * 2
    )


def test_a_redirect_back_to_the_base_origin_gets_the_credentials_again(
    stub: Stub, other: Stub
) -> None:
    stub.route("/start")(redirect(302, f"{other.url}/bounce"))
    other.route("/bounce")(redirect(302, f"{stub.url}/home"))
    stub.route("/home")(ok)
    client = ApiClient(stub.url, retry_policy=no_retries())
    exchange = client.get("/start", credentials=CREDENTIALS)
    assert exchange.status == 200
    assert leaked(other) == []
    assert "header X-Functions-Key" in leaked(stub)
    assert stub.state.seen[-1].path.startswith("/home?code=")


def test_a_header_named_like_a_credential_that_a_step_set_is_dropped_cross_origin(
    stub: Stub, other: Stub
) -> None:
    stub.route("/start")(redirect(302, f"{other.url}/landing"))
    client = ApiClient(stub.url, retry_policy=no_retries())
    client.get("/start", headers={"X-API-Key": KEY, "Authorization": f"Bearer {KEY}"})
    assert leaked(other) == []


def test_a_post_302_is_recorded_as_a_post_hop_then_a_get_hop_each_under_its_own_url(
    stub: Stub, other: Stub
) -> None:
    stub.route("/orders")(redirect(302, f"{other.url}/landing"))
    client = ApiClient(stub.url, retry_policy=no_retries())
    exchange = client.post("/orders", json={"n": 1}, credentials=CREDENTIALS)
    hops = [(h.method, h.url.split("?")[0], h.status) for h in exchange.hops]
    assert hops == [("POST", f"{stub.url}/orders", 302), ("GET", f"{other.url}/landing", 200)]
    assert exchange.hops[1].request_body is None
    assert "X-Functions-Key" not in exchange.hops[1].request_headers
    assert other.state.seen[0].method == "GET"


def test_the_curl_command_repeats_what_was_sent_first_and_each_hop_has_its_own(
    stub: Stub, other: Stub
) -> None:
    stub.route("/orders")(redirect(303, f"{other.url}/landing"))
    client = ApiClient(stub.url, retry_policy=no_retries())
    record = exchange_record(client.post("/orders", json={"n": 1}, credentials=CREDENTIALS))
    assert record["curl"].startswith(f'curl -X POST "{stub.url}/orders?code=$API_KEY"')
    assert '"X-Functions-Key: $API_SECRET"' in record["curl"]
    assert KEY not in str(record)
    assert [hop["method"] for hop in record["hops"]] == ["POST", "GET"]
    landing = record["hops"][1]["curl"]
    assert landing.startswith(f"curl -X GET {other.url}/landing -H 'Accept: application/json'")
    assert "X-Functions-Key" not in landing
    assert "--data-raw" not in landing
    assert record["hops"][0]["request_headers"]["X-Functions-Key"] == "***"
    assert record["url"] == f"{stub.url}/orders?code=***"


def test_a_redirected_exchange_without_credentials_records_no_hops_when_none_happened(
    stub: Stub,
) -> None:
    stub.route("/x")(ok)
    exchange: Exchange = ApiClient(stub.url).get("/x")
    assert exchange.hops == ()


def test_trusted_origins_must_be_origins(tmp_path: Path) -> None:
    root = tmp_path
    (root / "pyproject.toml").write_text(
        '[tool.api-bdd.profiles.a]\nbase_url = "http://127.0.0.1:1"\n'
        'trusted_origins = ["https://login.example.test/oauth"]\n'
    )
    with pytest.raises(ProfileError) as caught:
        load_profiles(root)
    assert str(caught.value) == (
        "pyproject.toml: [tool.api-bdd.profiles.a] trusted_origins: Value error, origin"
        " 'https://login.example.test/oauth' must not have a path: give http(s)://host[:port]"
    )


def test_an_api_key_in_a_cookie_goes_to_the_base_origin_only(stub: Stub, other: Stub) -> None:
    config = ApiKeyAuth(scheme="api-key", header=None, cookie="api_key")
    client = ApiClient(stub.url, retry_policy=no_retries())
    parts = Authenticator(config, {"API_KEY": KEY}).parts(client)
    stub.route("/start")(redirect(302, f"{other.url}/landing"))
    client.get("/start", credentials=parts)
    assert stub.state.seen[0].headers["Cookie"] == f"api_key={KEY}"
    assert leaked(other) == []


def test_a_redirect_location_is_followed_exactly_as_given_when_no_key_rides_in_the_query(
    stub: Stub,
) -> None:
    stub.route("/start")(redirect(302, "/landing?q=a%20b&flag"))
    stub.route("/landing")(ok)
    ApiClient(stub.url, retry_policy=no_retries()).get("/start")
    assert stub.state.seen[-1].path == "/landing?q=a%20b&flag"
