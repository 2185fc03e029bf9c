"""Checking a base URL before any request is sent: ``http(s)://host[:port][/path]``, nothing else.

A mistyped base URL otherwise surfaces as hundreds of lines of tracebacks from deep inside
requests, once per scenario; a URL with ``user:password@`` makes requests replace the bearer
header with Basic auth, which shows up as puzzling 401s. :func:`check_base_url` says what is
wrong in one line, and never echoes a password or a query string (which may hold a key).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# Labels of letters, digits, "-" and "_" (container names use it), dot-separated.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_SCHEME_ISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:?/*")
_ALMOST_A_SCHEME = re.compile(r"(?i)(https?)(?::/*|/+)(?=[^/])")


def check_base_url(url: str) -> str:
    """Return ``url`` (scheme lower-cased, trailing ``/`` removed) or raise ``ValueError``.

    Accepted: ``http://`` or ``https://``, a host name or IP address (IPv6 in brackets), an
    optional port from 1 to 65535 and an optional path. Refused, each with one line saying
    what is wrong: no scheme or a mistyped one (``htp://``, ``http//``), another scheme
    (``ftp://``), an empty or malformed host, a bad port, credentials in the URL (they belong
    in the environment), a query string or a fragment.
    """
    text = url.strip()
    if not text:
        raise ValueError("base URL is empty: give http://host[:port][/path]")
    # Credentials first, scheme or not: later messages echo the URL and must not echo a password.
    authority = re.split(r"[/?#]", _SCHEME_ISH.sub("", text, count=1), maxsplit=1)[0]
    if "@" in authority:
        raise ValueError(
            "base URL must not contain credentials (user:password@): credentials belong in"
            " the environment (API_USERNAME, API_PASSWORD, API_TOKEN, API_KEY)"
        )
    shown = re.split(r"[?#]", text, maxsplit=1)[0]  # a query string may hold a key: never echo it
    if "://" not in text:
        raise ValueError(_no_scheme(shown))
    if shown != text:
        what = "a query string" if text[len(shown)] == "?" else "a fragment"
        raise ValueError(f"base URL {shown!r} must not have {what}: give http://host[:port][/path]")
    try:
        parts = urlsplit(text)
    except ValueError as err:  # "Invalid IPv6 URL"
        raise ValueError(f"base URL {text!r} is malformed: {err}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"base URL {text!r}: the scheme must be http or https, not {scheme!r}")
    _check_host(text, parts.netloc, parts.hostname)
    _check_port(text, parts.netloc)
    return f"{scheme}://{parts.netloc}{parts.path}".rstrip("/")


Origin = tuple[str, str, int | None]


def origin_of(url: str) -> Origin:
    """``(scheme, host, port)`` of a URL, host lower-cased and the scheme's default port filled
    in, so ``http://API.test`` and ``http://api.test:80`` are one origin (RFC 6454)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", "", None)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default


def check_origin(url: str) -> str:
    """Return ``url`` as ``scheme://host[:port]`` or raise ``ValueError`` saying what is wrong.

    For ``trusted_origins``: an origin has no path, query or credentials.
    """
    checked = check_base_url(url)
    if urlsplit(checked).path not in ("", "/"):
        raise ValueError(f"origin {url!r} must not have a path: give http(s)://host[:port]")
    return checked


def _no_scheme(text: str) -> str:
    typo = _ALMOST_A_SCHEME.match(text)
    if typo:
        fixed = f"{typo.group(1).lower()}://{text[typo.end() :]}"
        return f"base URL {text!r} has a malformed scheme: did you mean {fixed!r}?"
    return f"base URL {text!r} has no scheme: write http://{text} or https://{text}"


def _check_host(text: str, netloc: str, hostname: str | None) -> None:
    if not hostname:
        raise ValueError(f"base URL {text!r} has no host: give http://host[:port][/path]")
    if netloc.startswith("["):
        try:
            ipaddress.IPv6Address(hostname)
        except ValueError:
            raise ValueError(f"base URL {text!r}: {hostname!r} is not an IPv6 address") from None
    elif not _HOST_NAME.fullmatch(hostname):
        raise ValueError(f"base URL {text!r}: {hostname!r} is not a valid host name")


def _check_port(text: str, netloc: str) -> None:
    host_end = netloc.rfind("]") + 1 if netloc.startswith("[") else 0
    _, colon, port = netloc[host_end:].rpartition(":")
    if not colon:
        return
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(
            f"base URL {text!r}: the port must be a number from 1 to 65535, not {port!r}"
        )
