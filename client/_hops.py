"""Each hop of one request: credentials only where the profile allows, cookies per scenario.

What the auth layer adds to a request (:class:`Credentials`: headers of any name, query
parameters, cookies) is a credential because of where it came from. A :class:`HopPlan` adds it
to a hop only when the hop's origin (scheme, host, port) is the base URL's or one of the
profile's ``trusted_origins``: not to an absolute URL on another host that a step names, and not
to a redirect's target elsewhere. The client follows redirects itself, hop by hop, so each one
is recorded as sent and built by these rules:

- 301 and 302 after a POST, and 303 after anything but HEAD, become a bodiless GET (as browsers
  do); 307 and 308 keep the method and the body;
- a hop to another origin drops every header named like a credential (``Authorization``,
  ``Cookie``, ``X-API-Key``...) that a step set, and a 307 or 308 that would carry the body to
  an origin not allowed is refused (:class:`UnsafeRedirectError`);
- cookies come from the scenario's jar (the cookies the API set during the scenario), for the
  hop's URL by the jar's domain and path rules; the session itself keeps none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, CookiePolicy, DefaultCookiePolicy
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests.cookies import extract_cookies_to_jar, get_cookie_header
from requests.utils import requote_uri

from client._credential_names import is_sensitive_name
from client._urls import Origin, origin_of

# Dropped on a hop to another origin whatever the name rules think of them.
_ALWAYS_CREDENTIALS = frozenset({"authorization", "proxy-authorization", "cookie"})
_BODY_HEADERS = ("Content-Length", "Content-Type", "Transfer-Encoding")


class UnsafeRedirectError(requests.RequestException):
    """A 307/308 to an origin not allowed would re-send the body there: not followed."""


@dataclass(frozen=True)
class Credentials:
    """What the auth layer adds to a request; each is a credential whatever its name.

    ``headers``: e.g. ``{"X-Functions-Key": key}``; ``params``: query parameters;
    ``cookies``: cookie name to value. Empty: an anonymous request. The repr names no value.
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        names = [
            *self.headers,
            *(f"?{p}" for p in self.params),
            *(f"cookie {c}" for c in self.cookies),
        ]
        return f"<Credentials {', '.join(names) or 'none'}>"

    def overridden_by(
        self, headers: Mapping[str, str], params: Mapping[str, object]
    ) -> Credentials:
        """These credentials less what a step gave itself (a step sending a wrong token on
        purpose wins over the profile's)."""
        given = {name.lower() for name in headers}
        return Credentials(
            headers={k: v for k, v in self.headers.items() if k.lower() not in given},
            params={k: v for k, v in self.params.items() if k not in params},
            cookies=self.cookies,
        )

    def header_names(self) -> frozenset[str]:
        return frozenset(name.lower() for name in self.headers)


class _KeepNone(DefaultCookiePolicy):
    """The session's jar stores nothing: cookies belong to a scenario's own jar."""

    def set_ok(self, cookie: object, request: object) -> bool:
        return False


def session_cookie_policy() -> CookiePolicy:
    return _KeepNone()


@dataclass
class HopPlan:
    """How every hop of one request is built (see the module docstring)."""

    session: requests.Session
    credentials: Credentials
    allowed: frozenset[Origin]
    jar: CookieJar | None = None

    def allows(self, url: str) -> bool:
        return origin_of(url) in self.allowed

    # -- the first hop --------------------------------------------------------------------------
    def first(self, request: requests.Request) -> requests.PreparedRequest:
        """The request as first sent: credentials only when its URL's origin is allowed."""
        if self.allows(request.url):
            request.headers = {**request.headers, **self.credentials.headers}
            request.params = {**(request.params or {}), **self.credentials.params}
        prepared = self.session.prepare_request(request)
        self._set_cookies(prepared, given=prepared.headers.get("Cookie"))
        return prepared

    # -- a redirect -----------------------------------------------------------------------------
    def follow(
        self, previous: requests.PreparedRequest, response: requests.Response
    ) -> requests.PreparedRequest:
        """The next hop after the redirect ``response`` to ``previous``."""
        location = self.session.get_redirect_target(response) or ""
        url = requote_uri(urljoin(previous.url or "", location))
        following = previous.copy()
        following.prepare_url(url, None)
        status, method = response.status_code, (previous.method or "GET").upper()
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            following.method = "GET"
        if status not in (307, 308) or following.method != method:
            following.body = None
            for name in _BODY_HEADERS:
                following.headers.pop(name, None)
        target = following.url or ""
        if origin_of(target) != origin_of(previous.url or ""):
            if following.body and not self.allows(target):
                raise UnsafeRedirectError(_refused(status, target))
            for name in [n for n in following.headers if _named_credential(n)]:
                del following.headers[name]
        self._place_credentials(following)
        self._set_cookies(following)
        return following

    def _place_credentials(self, prepared: requests.PreparedRequest) -> None:
        """Credentials on an allowed hop, none on any other (its query included)."""
        url = prepared.url or ""
        for name in [n for n in prepared.headers if n.lower() in self.credentials.header_names()]:
            del prepared.headers[name]
        if self.allows(url):
            prepared.headers.update(self.credentials.headers)
        ours = self.credentials.params
        if not ours:
            return  # the URL stays exactly as the Location header gave it
        parts = urlsplit(url)
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if ours.get(k) != v
        ]
        if self.allows(url):
            query += list(ours.items())
        prepared.url = urlunsplit(parts._replace(query=urlencode(query)))

    # -- cookies --------------------------------------------------------------------------------
    def _set_cookies(self, prepared: requests.PreparedRequest, given: str | None = None) -> None:
        """The hop's Cookie header: a step's own (first hop only, as requests does), the
        credential cookies where allowed, and the jar's cookies for the hop's URL."""
        pairs = [given] if given else []
        if self.credentials.cookies and self.allows(prepared.url or ""):
            pairs += [f"{name}={value}" for name, value in self.credentials.cookies.items()]
        if self.jar is not None:
            from_jar = get_cookie_header(self.jar, prepared)  # type: ignore[no-untyped-call]
            pairs += [from_jar] if from_jar else []
        prepared.headers.pop("Cookie", None)
        if pairs:
            prepared.headers["Cookie"] = "; ".join(pairs)

    def remember(self, prepared: requests.PreparedRequest, response: requests.Response) -> None:
        """Keep the cookies a hop's answer set, in the scenario's jar (when there is one)."""
        if self.jar is not None:
            extract_cookies_to_jar(self.jar, prepared, response.raw)  # type: ignore[no-untyped-call]


def allowed_origins(base_url: str, trusted: Iterable[str]) -> frozenset[Origin]:
    return frozenset({origin_of(base_url), *(origin_of(url) for url in trusted)})


def _named_credential(name: str) -> bool:
    return name.lower() in _ALWAYS_CREDENTIALS or is_sensitive_name(name)


def _refused(status: int, url: str) -> str:
    scheme, host, port = origin_of(url)
    host = f"[{host}]" if ":" in host else host
    return (
        f"{status} redirect to another origin ({scheme}://{host}:{port}) not followed: it would"
        " re-send the request body there; point the base URL at that origin if it is the API,"
        " or list it in the profile's trusted_origins"
    )
