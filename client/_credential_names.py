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

Plurals are credentials too (``tokens``, ``accessTokens``, ``passwords``, ``api_keys``,
``secrets``), unless a quantity precedes them (``max_tokens``, ``prompt_tokens``): their
members are what :func:`is_plural_credential` lets a caller learn. A few bare names are
credentials on their own: ``refresh`` (a refresh token), ``sid`` and ``connect.sid``
(session cookies). Whether a *value* under such a name can be a secret at all (not a flag, a
number, a date or a status word) is :func:`could_be_secret`'s question.
"""

from __future__ import annotations

import functools
import re
from typing import Any

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
# Plurals of these hold credentials (``tokens``, ``passwords``, ``accesstokens``); ``sessions``
# is left out: a list of sessions is usually their devices and dates.
_PLURAL_OF = ("token", "secret", "password", "passwd", "apikey", "cookie", "signature")
# A plural after one of these counts something (``max_tokens``, ``prompt_tokens``).
_QUANTITIES = frozenset(
    {"cached", "completion", "input", "max", "min", "num", "output", "prompt", "reasoning"}
    | {"remaining", "total", "used"}
)
# Names that are a credential on their own: ``refresh`` (a refresh token), ``sid``.
_BARE = frozenset({"refresh", "sid"})
_LAST_WORD_ONLY = frozenset({"sid"})  # connect.sid, but not sid_length
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
        # what a name says about a credential's state, not the credential: auth_status,
        # auth_level, pass_rate, token_usage, signature_valid, credentials_expire,
        # password_changed_at
        "at",
        "changed",
        "created",
        "enabled",
        "expire",
        "level",
        "rate",
        "state",
        "status",
        "strength",
        "updated",
        "usage",
        "valid",
        "validity",
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


def _is_plural(parts: list[str], index: int) -> bool:
    """``tokens``, ``accessTokens``, ``api_keys``; not ``max_tokens``."""
    word = parts[index]
    if not word.endswith("s") or (index > 0 and parts[index - 1] in _QUANTITIES):
        return False
    if word == "keys":
        return index > 0 and parts[index - 1] in KEY_QUALIFIERS
    return word[:-1].endswith(_PLURAL_OF)


def _is_credential_word(parts: list[str], index: int) -> bool:
    word = parts[index]
    if word == "key":
        return index > 0 and parts[index - 1] in KEY_QUALIFIERS
    if word in _BARE:
        return len(parts) == 1 or (word in _LAST_WORD_ONLY and index == len(parts) - 1)
    return word in CREDENTIAL_WORDS or word.endswith(_GLUED_SUFFIXES) or _is_plural(parts, index)


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


def is_plural_credential(name: str) -> bool:
    """Whether ``name`` holds several credentials (``tokens``, ``secrets``, ``api_keys``): each
    member of its list or mapping is one (``tokens[0]``, ``secrets.db``), and so is the
    ``value`` of a member that is an object (``api_keys[0].value``)."""
    parts = words(name)
    return bool(parts) and _is_plural(parts, len(parts) - 1) and is_sensitive_name(name)


# Values that cannot be secrets, whatever their name: flags, numbers, dates and times
# (ISO 8601 and HTTP dates), and short status words ("active", "expired", "high").
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"
)
_STATUS_WORD = re.compile(r"[A-Za-z]+(?:[ _-][A-Za-z]+){0,3}")
_LONGEST_STATUS_WORD = 24
_FLAGS = frozenset({"true", "false", "null", "none", "yes", "no"})


def could_be_secret(value: Any) -> bool:
    """False for what no secret looks like: a boolean, a number, a date or time, a flag word or
    a short status word (``"active"``, ``"password_expired"``); True for other strings."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or text.lower() in _FLAGS:
        return False
    if _NUMBER.fullmatch(text) or _DATE_TIME.fullmatch(text):
        return False
    return not (len(text) <= _LONGEST_STATUS_WORD and _STATUS_WORD.fullmatch(text))
