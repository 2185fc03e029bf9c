"""Redaction of credentials in the transport's own records: headers by name, URLs by part.

This is the shape-based part that the client needs for its reprs and messages. Pure: no pytest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

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

_SENSITIVE_NAME = re.compile(
    r"pass(word|wd)?|secret|token|api[-_]?key|^key$|auth|credential|session|signature|sig$",
    re.IGNORECASE,
)


def is_sensitive_name(name: str) -> bool:
    """True for header, query or JSON key names that carry credentials."""
    return name.lower() in SENSITIVE_HEADERS or bool(_SENSITIVE_NAME.search(name))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (MASK if is_sensitive_name(k) else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """Mask userinfo and sensitive query parameters: ``https://***@host/p?api_key=***&page=2``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if is_sensitive_name(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
