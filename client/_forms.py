"""Plain helpers of redaction: headers, URLs and decoded JSON masked by name, and every
encoded form of a secret the :class:`~client.redaction.Redactor` looks for. No pytest."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from client._credential_names import is_sensitive_name
from client._shapes import MASK

MIN_SECRET_LENGTH = 8


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (MASK if is_sensitive_name(k) else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """Mask userinfo and sensitive query parameters: ``https://***@host/p?api_key=***&page=2``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if is_sensitive_name(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_json(value: Any) -> Any:
    """A copy of decoded JSON with the values of sensitive keys masked, at any depth.

    Flags, numbers and empty values stay as they are (``"password_set": true`` and
    ``"tokens": 3`` hide nothing).
    """
    if isinstance(value, dict):
        return {
            k: (
                MASK
                if isinstance(k, str)
                and is_sensitive_name(k)
                and not isinstance(v, bool | int | float)
                and v not in (None, "")
                else redact_json(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


# -- values ---------------------------------------------------------------------------------------
def _base64_forms(secret: bytes) -> set[str]:
    """The parts of base64(… + secret + …) that depend on the secret alone, for any alignment."""
    forms: set[str] = set()
    for offset in (0, 1, 2):
        skip = (3 - offset) % 3  # secret bytes that share a group with what precedes them
        whole = (len(secret) - skip) // 3 * 3
        if whole < 6:
            continue
        chunk = secret[skip : skip + whole]
        forms.add(base64.b64encode(chunk).decode())
        forms.add(base64.urlsafe_b64encode(chunk).decode())
    return forms


def encodings(secret: str) -> set[str]:
    """Every form of ``secret`` the redactor looks for (each at least 4 characters)."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), html.escape(secret)}
    for escaped in (json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
        forms.add(escaped)
        forms.add(escaped.replace("/", "\\/"))  # PHP's json_encode and others escape "/"
    forms.add(secret.encode("unicode_escape").decode())
    forms |= _base64_forms(secret.encode())
    lines = [line.strip() for line in secret.splitlines()]
    forms |= {line for line in lines if len(line) >= MIN_SECRET_LENGTH}
    return {f for f in forms if len(f) >= 4}
