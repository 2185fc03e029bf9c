"""The pooled ``requests.Session`` the client sends through.

One per worker. The adapter only sizes the pool: ``max_retries=0``, because retries live in one
place, the client's retry policy.

A redirect that changes origin (scheme, host or port) never carries a credential or a body:

- every credential header is dropped, not just ``Authorization`` as requests does
  (``X-API-Key`` would otherwise be forwarded), and cookies with them;
- a 307 or 308, which would re-send the body (a password sign-in form, an order), is not
  followed: :class:`UnsafeRedirectError` says where it pointed. Following it without the body
  would send another request than the step asked for; a tester wants to see the redirect.
  301, 302 and 303 turn the request into a bodiless GET, as browsers do, and are followed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from client.redaction import is_sensitive_name

# Dropped on a cross-origin redirect whatever the redactor thinks of their names.
_ALWAYS_CREDENTIALS = frozenset({"authorization", "proxy-authorization", "cookie"})


class UnsafeRedirectError(requests.RequestException):
    """A 307/308 to another origin would re-send the body there: not followed."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class PooledSession(requests.Session):
    """A session whose cross-origin redirects carry no credential and no body."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: Any) -> None:
        old, new = response.request.url, prepared_request.url
        if old and new and _origin(old) != _origin(new):
            if prepared_request.body:  # requests keeps the body only for 307 and 308
                scheme, host, port = _origin(new)
                host = f"[{host}]" if ":" in host else host
                raise UnsafeRedirectError(
                    f"{response.status_code} redirect to another origin"
                    f" ({scheme}://{host}:{port}) not followed: it would re-send the request"
                    " body there; point the base URL at that origin if it is the API"
                )
            for name in [n for n in prepared_request.headers if _is_credential(n)]:
                del prepared_request.headers[name]
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


def _is_credential(name: str) -> bool:
    return name.lower() in _ALWAYS_CREDENTIALS or is_sensitive_name(name)


def build_session(
    pool_size: int, *, trust_env: bool = False, max_redirects: int = 5
) -> PooledSession:
    """A session whose HTTP and HTTPS pools keep up to ``pool_size`` connections per host.

    ``trust_env=False`` (the default) skips requests' scan of the environment for proxies and
    netrc on every request; set it when the API is reached through a proxy.
    """
    session = PooledSession()
    session.trust_env = trust_env
    session.max_redirects = max_redirects
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
