"""Authentication schemes as configuration: credentials read when needed, tokens reused."""

from __future__ import annotations

import base64
import json

import pytest

from client import ApiClient, SettingsError
from client.auth import Authenticator, AuthError
from client.profiles import (
    ApiKeyAuth,
    BasicAuth,
    BearerAuth,
    ClientCredentialsGrant,
    NoAuth,
    PasswordGrant,
)
from tests.conftest import Shop
from tests.stub_server import Stub, StubHandler


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_auth_needs_no_credentials(stub: Stub) -> None:
    auth = Authenticator(NoAuth(), {})
    assert not auth.needs_credentials()
    assert auth.parts(ApiClient(stub.url)).headers == {}


def test_a_missing_credential_is_named_without_the_others(stub: Stub) -> None:
    auth = Authenticator(BasicAuth(scheme="basic"), {"API_USERNAME": "ada", "API_KEY": "k" * 20})
    with pytest.raises(SettingsError) as caught:
        auth.parts(ApiClient(stub.url))
    assert str(caught.value).startswith("API_PASSWORD is not set: the profile's basic")
    assert "k" * 20 not in str(caught.value)


def test_basic_bearer_and_api_key_schemes_build_their_headers(stub: Stub) -> None:
    seen: list[tuple[str, str]] = []
    env = {"API_USERNAME": "ada", "API_PASSWORD": "pw-0123456789", "API_TOKEN": "t" * 20}
    env["API_KEY"] = "key-0123456789"

    def sink(value: str, name: str) -> None:
        seen.append((name, value))

    client = ApiClient(stub.url)
    basic = Authenticator(BasicAuth(scheme="basic"), env, sink).parts(client)
    expected = "Basic " + base64.b64encode(b"ada:pw-0123456789").decode()
    assert basic.headers == {"Authorization": expected}
    bearer = Authenticator(BearerAuth(scheme="bearer"), env, sink).parts(client)
    assert bearer.headers == {"Authorization": "Bearer " + "t" * 20}
    header = Authenticator(ApiKeyAuth(scheme="api-key", header="X-Key"), env, sink).parts(client)
    assert header.headers == {"X-Key": "key-0123456789"}
    query = ApiKeyAuth(scheme="api-key", header=None, query="api_key")
    assert Authenticator(query, env, sink).parts(client).params == {"api_key": "key-0123456789"}
    # every secret was handed to the redactor; the user name is not a secret
    assert {name for name, _ in seen} == {"API_PASSWORD", "API_TOKEN", "API_KEY"}


def _token_route(stub: Stub, expires_in: int = 3600) -> list[dict[str, str]]:
    forms: list[dict[str, str]] = []

    @stub.route("/oauth/token")
    def token(handler: StubHandler) -> None:
        body = stub.state.seen[-1].body.decode()
        forms.append(dict(pair.split("=", 1) for pair in body.split("&")))
        answer = {"access_token": f"tok-{len(forms):04d}-abcdefghijkl", "expires_in": expires_in}
        handler.reply(200, json.dumps(answer).encode())

    return forms


def test_client_credentials_token_is_reused_until_it_is_about_to_expire(stub: Stub) -> None:
    forms = _token_route(stub, expires_in=60)
    clock = Clock()
    config = ClientCredentialsGrant(scheme="oauth2-client-credentials", scope="read")
    env = {"API_CLIENT_ID": "app", "API_CLIENT_SECRET": "secret-0123456789"}
    auth = Authenticator(config, env, clock=clock)
    client = ApiClient(stub.url)
    first = auth.parts(client).headers["Authorization"]
    assert auth.parts(client).headers["Authorization"] == first
    assert len(forms) == 1
    assert forms[0] == {"grant_type": "client_credentials", "scope": "read"}
    sent = stub.state.seen[-1].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"app:secret-0123456789").decode()
    clock.now += 60 - config.renew_margin + 1  # inside the renewal margin: a new token
    assert auth.parts(client).headers["Authorization"] != first
    assert len(forms) == 2


def test_a_fresh_sign_in_per_scenario_when_the_profile_asks(shop: Shop) -> None:
    env = {"API_USERNAME": shop.user.username, "API_PASSWORD": shop.user.password}
    config = PasswordGrant(scheme="oauth2-password", token_url="/auth/token")
    fresh = config.model_copy(update={"fresh_per_scenario": True})
    client = ApiClient(shop.url)

    def two_scenarios(auth: Authenticator) -> set[str]:
        tokens = set()
        for _ in range(2):
            auth.new_scenario()
            tokens.add(auth.parts(client).headers["Authorization"])
        return tokens

    assert len(two_scenarios(Authenticator(config, env))) == 1  # one token per worker
    assert len(two_scenarios(Authenticator(fresh, env))) == 2


def test_an_issued_token_in_the_credentials_replaces_signing_in(stub: Stub) -> None:
    forms = _token_route(stub)
    config = PasswordGrant(scheme="oauth2-password", token_url="/oauth/token")
    auth = Authenticator(config, {"API_TOKEN": "pre-issued-token-123456"})
    assert auth.parts(ApiClient(stub.url)).headers["Authorization"] == (
        "Bearer pre-issued-token-123456"
    )
    assert forms == []


def test_a_refused_sign_in_is_one_line_without_the_password(shop: Shop) -> None:
    env = {"API_USERNAME": shop.user.username, "API_PASSWORD": "not-the-password-42"}
    config = PasswordGrant(scheme="oauth2-password", token_url="/auth/token", token_env=None)
    with pytest.raises(AuthError) as caught:
        Authenticator(config, env).parts(ApiClient(shop.url))
    assert str(caught.value).startswith("sign-in failed: the profile's token_url http://")
    assert "/auth/token answered 401, expected 200" in str(caught.value)
    assert "not-the-password-42" not in str(caught.value)


def test_the_repr_shows_no_credential_and_no_token() -> None:
    env = {"API_USERNAME": "ada", "API_PASSWORD": "pw-0123456789", "OTHER": "other-9876543210"}
    auth = Authenticator(BasicAuth(scheme="basic"), env)
    auth._token = "tok-abcdefghijkl"
    shown = repr(auth)
    assert "pw-0123456789" not in shown
    assert "other-9876543210" not in shown
    assert "tok-abcdefghijkl" not in shown


def test_the_word_after_auth_error_is_not_masked_as_a_credential() -> None:
    from client.redaction import Redactor

    line = "AuthError: sign-in failed: the profile's token_url http://h/oauth/token answered 401"
    assert Redactor().redact(line) == line
    assert Redactor().redact("auth: s3cr3t-value-123") == "auth: ***"
