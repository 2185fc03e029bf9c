"""Which names hold credentials: headers, JSON keys, query parameters, form fields.

A name is split into words whatever its convention (``accessToken``, ``AccessToken``,
``access_token``, ``access-token``, ``access.token``, ``ACCESS_TOKEN``, glued ``accesstoken``)
and its words are matched whole against credential words, never as prefixes: ``author``,
``authenticated``, ``monkey`` and ``keyboard`` are ordinary names. ``key`` alone is not a
credential (``sort_key``, ``Idempotency-Key``); it is one after a word that makes it one
(``apiKey``, ``privateKey``, ``X-API-Key``). A name whose credential word is followed by a word
that describes it rather than holds it (``token_type``, ``token_url``, ``keyId``,
``client_secret_expires_at``), or by a longer phrase (``test_credential_names_are_masked``),
is not a credential either.
"""

from __future__ import annotations

import functools
import re

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-amz-security-token",
    }
)

# Words that are a credential wherever they stand in a name.
CREDENTIAL_WORDS = frozenset(
    {
        "apikey",
        "auth",
        "authorization",
        "cookie",
        "credential",
        "credentials",
        "jsessionid",
        "pass",
        "passcode",
        "passphrase",
        "passwd",
        "password",
        "phpsessid",
        "pwd",
        "secret",
        "session",
        "sessionid",
        "signature",
        "token",
    }
)
# Glued lower-case names ending so (``accesstoken``, ``clientsecret``, ``newpassword``).
_GLUED_SUFFIXES = ("token", "secret", "password", "passwd", "apikey", "sessionid")
# ``key`` is a credential after one of these: apiKey, privateKey, x_api_key, "API key".
KEY_QUALIFIERS = frozenset(
    {
        "access",
        "account",
        "api",
        "app",
        "application",
        "auth",
        "client",
        "consumer",
        "encryption",
        "hmac",
        "license",
        "master",
        "private",
        "secret",
        "service",
        "session",
        "shared",
        "signing",
        "ssh",
        "subscription",
        "user",
    }
)
# Words after the credential word that say what the name is about, not what it holds.
_DESCRIBING = frozenset(
    {
        "age",
        "algorithm",
        "count",
        "endpoint",
        # an exception's name (AuthError, TokenError): what follows is its message
        "error",
        "exception",
        "exp",
        "expiration",
        "expired",
        "expires",
        "expiry",
        "format",
        "hint",
        "id",
        "ids",
        "issuer",
        "kind",
        "length",
        "lifetime",
        "location",
        "max",
        "method",
        "min",
        "name",
        "names",
        "path",
        "policy",
        "prefix",
        "required",
        "scheme",
        "scope",
        "ttl",
        "type",
        "uri",
        "url",
        "version",
    }
)
_MOST_WORDS_AFTER = 2  # password_confirmation_value yes, a longer phrase no
_ID_IS_THE_CREDENTIAL = frozenset({"session"})  # session_id, sessionId
_HARMLESS = frozenset({"access_control_allow_credentials"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_CACHED_LENGTH = 64  # longer "names" (a run of text before a colon) are not worth caching


def words(name: str) -> list[str]:
    """``X-API-Key`` -> ``["x", "api", "key"]``; ``refreshToken`` -> ``["refresh", "token"]``."""
    return [word.lower() for word in _WORD.findall(name)]


def _is_credential_word(parts: list[str], index: int) -> bool:
    word = parts[index]
    if word == "key":
        return index > 0 and parts[index - 1] in KEY_QUALIFIERS
    return word in CREDENTIAL_WORDS or word.endswith(_GLUED_SUFFIXES)


def _sensitive(name: str) -> bool:
    lowered = name.strip().lower()
    if lowered in SENSITIVE_HEADERS:
        return True
    parts = words(name)
    if "_".join(parts) in _HARMLESS:
        return False
    found = [i for i in range(len(parts)) if _is_credential_word(parts, i)]
    if not found:
        return False
    last = found[-1]
    described = parts[last + 1 :]
    if described[:1] == ["id"] and parts[last] in _ID_IS_THE_CREDENTIAL:
        return True
    if len(described) > _MOST_WORDS_AFTER:
        return False  # a phrase about a credential: test_credential_names_are_masked
    return not any(word in _DESCRIBING for word in described)


_sensitive_cached = functools.lru_cache(maxsize=4096)(_sensitive)


def is_sensitive_name(name: str) -> bool:
    """True for header, query, form or JSON key names whose values are credentials."""
    return _sensitive_cached(name) if len(name) <= _CACHED_LENGTH else _sensitive(name)
