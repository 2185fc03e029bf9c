"""The pooled ``requests.Session`` the client sends through.

One per worker. The adapter only sizes the pool: ``max_retries=0``, because retries live in one
place, the client's retry policy. Redirects that leave the origin drop every credential header,
not just ``Authorization`` as requests does (``X-API-Key`` would otherwise be forwarded).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from client.redaction import is_sensitive_name


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class PooledSession(requests.Session):
    """A session that strips all credential headers on a cross-origin redirect."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: Any) -> None:
        old, new = response.request.url, prepared_request.url
        if old and new and _origin(old) != _origin(new):
            for name in [n for n in prepared_request.headers if is_sensitive_name(n)]:
                del prepared_request.headers[name]
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


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
