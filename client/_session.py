"""The pooled ``requests.Session`` the client sends through.

One per worker. The adapter only sizes the pool: ``max_retries=0``, because retries live in one
place, the client's retry policy, and its connections honour the request deadline while the
headers arrive (:mod:`client._deadline`). The session never follows a redirect itself (the
client does, hop by hop: :mod:`client._hops`) and keeps no cookie: cookies belong to a
scenario's own jar.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

from client._deadline import POOL_CLASSES
from client._hops import UnsafeRedirectError, session_cookie_policy

__all__ = ["PooledSession", "UnsafeRedirectError", "build_session"]


class PooledSession(requests.Session):
    """A session whose own cookie jar stores nothing (a cookie set in one scenario must not be
    sent in the next)."""

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(session_cookie_policy())


def build_session(
    pool_size: int, *, trust_env: bool = False, max_redirects: int = 5
) -> PooledSession:
    """A session whose HTTP and HTTPS pools keep up to ``pool_size`` connections per host.

    ``trust_env=False`` (the default) skips requests' scan of the environment for proxies and
    netrc on every request; set it when the API is reached through a proxy.
    ``max_redirects``: the most redirects the client follows for one request.
    """
    session = PooledSession()
    session.trust_env = trust_env
    session.max_redirects = max_redirects
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    adapter.poolmanager.pool_classes_by_scheme = POOL_CLASSES
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
