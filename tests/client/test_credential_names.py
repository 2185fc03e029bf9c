"""Which names hold credentials: words of the name in any convention, matched whole."""

from __future__ import annotations

import pytest

from client.redaction import could_be_secret, is_plural_credential, is_sensitive_name, words


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("accessToken", ["access", "token"]),
        ("AccessToken", ["access", "token"]),
        ("access_token", ["access", "token"]),
        ("access-token", ["access", "token"]),
        ("access.token", ["access", "token"]),
        ("ACCESS_TOKEN", ["access", "token"]),
        ("X-API-Key", ["x", "api", "key"]),
        ("APIKey", ["api", "key"]),
        ("IDToken", ["id", "token"]),
    ],
)
def test_a_name_is_split_into_words_whatever_its_convention(name: str, split: list[str]) -> None:
    assert words(name) == split


@pytest.mark.parametrize(
    "name",
    [
        "accessToken",
        "refresh_token",
        "refreshToken",
        "idToken",
        "clientSecret",
        "client-secret",
        "userPassword",
        "newPassword",
        "privateKey",
        "sessionToken",
        "X-API-Key",
        "x_api_key",
        "X_API_KEY",
        "api.key",
        "apiKey",
        "apikey",
        "accesstoken",
        "ACCESS_TOKEN",
        "SecretAccessKey",
        "Authorization",
        "Proxy-Authorization",
        "Set-Cookie",
        "X-CSRF-Token",
        "session_id",
        "sessionId",
        "JSESSIONID",
        "password_confirmation",
        "credentials",
    ],
)
def test_credential_names_are_recognised_in_every_convention(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "key",
        "monkey",
        "keyboard",
        "sort_key",
        "Idempotency-Key",
        "publicKey",
        "author",
        "authenticated",
        "authority",
        "Access-Control-Allow-Credentials",
        "token_type",
        "tokenType",
        "token_url",
        "keyId",
        "access_key_id",
        "authorization_endpoint",
        "expires_in",
        "max_tokens",
        "prompt_tokens",
        "password_min_length",
        "client_secret_expires_at",
        "passed",
        "bypass",
        "test_credential_names_in_any_convention_are_masked",
    ],
)
def test_ordinary_names_are_not_credentials(name: str) -> None:
    assert not is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    ["tokens", "accessTokens", "secrets", "passwords", "api_keys", "refresh_tokens", "cookies"],
)
def test_plural_credential_names_are_credentials_that_hold_several(name: str) -> None:
    assert is_sensitive_name(name)
    assert is_plural_credential(name)


@pytest.mark.parametrize("name", ["refresh", "connect.sid", "sid", "SID"])
def test_bare_names_of_refresh_tokens_and_session_cookies_are_credentials(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "auth_status",
        "auth_level",
        "pass_rate",
        "password_changed_at",
        "credentials_expire",
        "token_usage",
        "signature_valid",
        "refresh_interval",
        "sid_length",
        "total_tokens",
    ],
)
def test_names_about_a_credentials_state_are_not_credentials(name: str) -> None:
    assert not is_sensitive_name(name)


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        None,
        3,
        0.95,
        "3600",
        "-1.5",
        "2026-12-05",
        "2026-12-05T01:16:56.123Z",
        "2026-12-05 01:16:56+01:00",
        "01:16",
        "Sat, 05 Dec 2026 01:16:56 GMT",
        "active",
        "password_expired",
        "not yet valid",
        "true",
        "",
    ],
)
def test_values_that_cannot_be_secrets_are_recognised(value: object) -> None:
    assert not could_be_secret(value)


@pytest.mark.parametrize(
    "value", ["s3cr3t-value-0123", "eyJhbGciOi.eyJzdWIi.c2ln", "correcthorsebatterystaple"]
)
def test_values_that_may_be_secrets_are_recognised(value: str) -> None:
    assert could_be_secret(value)
