"""Which names hold credentials: words of the name in any convention, matched whole."""

from __future__ import annotations

import pytest

from client.redaction import is_sensitive_name, words


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
        "tokens",
        "max_tokens",
        "password_min_length",
        "client_secret_expires_at",
        "passed",
        "bypass",
        "test_credential_names_in_any_convention_are_masked",
    ],
)
def test_ordinary_names_are_not_credentials(name: str) -> None:
    assert not is_sensitive_name(name)
