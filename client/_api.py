"""``ApiClient``: the only way steps talk HTTP.

One pooled session per worker is shared by every ``ApiClient`` derived from the first one
(``with_headers``, ``authorized``), so a per-scenario token costs no new connections.
What the auth layer adds to a request travels apart from the step's own headers, as
:class:`~client.Credentials`, and goes only to the base URL's origin and ``trusted_origins``
(see :mod:`client._hops`); redirects are followed hop by hop, each hop recorded.
Each call returns an :class:`~client.Exchange`; listeners registered with
:meth:`ApiClient.add_listener` see every exchange (the reporting plugin uses this to attach
evidence to the running step without the client knowing about pytest).
"""

from __future__ import annotations

import json as jsonlib
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from http.cookiejar import CookieJar
from typing import Any

import requests
import urllib3

from client._deadline import deadline_scope
from client._errors import (
    ApiClientError,
    DeadlineExceededError,
    ResponseTooLargeError,
    TransportError,
)
from client._exchange import Exchange, Hop
from client._hops import Credentials, HopPlan, UnsafeRedirectError, allowed_origins
from client._retry import KEYED_METHODS, Outcome, RetryPolicy
from client._retrying import AttemptFailed, Received, RetryRun
from client._session import build_session
from client._timeouts import Timeouts
from client._urls import check_base_url, check_origin
from client.redaction import redact_url

Listener = Callable[[Exchange], None]

_CHUNK = 64 * 1024


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


class _Transport:
    """What derived clients share: the session, limits and listeners."""

    def __init__(
        self,
        session: requests.Session,
        timeouts: Timeouts,
        max_body: int | None,
        trusted_origins: tuple[str, ...],
    ) -> None:
        self.session = session
        self.timeouts = timeouts
        self.max_body = max_body
        self.trusted_origins = trusted_origins
        self.listeners: list[Listener] = []


class ApiClient:
    """JSON-over-HTTP client for one base URL.

    ``timeouts``: see :class:`~client.Timeouts`. ``pool_size``: connections kept per host, sized
    to the number of threads that use the client at once. ``max_body``: bytes of response body
    accepted before :class:`~client.ResponseTooLargeError` (``None``: no limit).
    ``retry_policy``: see :class:`~client.RetryPolicy` (default: retry what is safe, 5 attempts).
    ``base_url`` must be ``http(s)://host[:port][/path]`` (see :func:`~client.check_base_url`).
    ``trusted_origins``: ``http(s)://host[:port]`` origins besides the base URL's that may
    receive :class:`~client.Credentials` (empty: only the base URL's origin).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts | None = None,
        pool_size: int = 10,
        max_body: int | None = 32 * 1024 * 1024,
        headers: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        trusted_origins: Iterable[str] = (),
        _transport: _Transport | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.headers: dict[str, str] = {"Accept": "application/json", **(headers or {})}
        self.retry_policy = RetryPolicy() if retry_policy is None else retry_policy
        self._transport = _transport or _Transport(
            session or build_session(pool_size),
            timeouts or Timeouts(),
            max_body,
            tuple(check_origin(origin) for origin in trusted_origins),
        )

    def __repr__(self) -> str:
        return f"<ApiClient {redact_url(self.base_url)}>"

    # -- derived clients -------------------------------------------------------------------
    def with_headers(self, headers: Mapping[str, str]) -> ApiClient:
        """A client sending extra default headers, sharing this one's connections."""
        return self._derive({**self.headers, **headers}, self.retry_policy)

    def without_retries(self) -> ApiClient:
        """A client that sends each request once: nothing retried, no retry budget spent.

        For requests whose transient answer is the point (a scenario expecting a 503), so
        expected failures never drain the run-wide budget that other scenarios rely on.
        """
        return self._derive(self.headers, self.retry_policy.without_retries())

    def _derive(self, headers: Mapping[str, str], policy: RetryPolicy) -> ApiClient:
        return ApiClient(
            self.base_url, headers=headers, retry_policy=policy, _transport=self._transport
        )

    def authorized(self, token: str) -> ApiClient:
        """A client that sends ``Authorization: Bearer <token>``."""
        return self.with_headers({"Authorization": f"Bearer {token}"})

    def add_listener(self, listener: Listener) -> None:
        self._transport.listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._transport.listeners.remove(listener)

    def close(self) -> None:
        self._transport.session.close()

    # -- requests --------------------------------------------------------------------------
    def url_for(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("DELETE", path, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: bool = True,
        credentials: Credentials | None = None,
        cookies: CookieJar | None = None,
    ) -> Exchange:
        """Send one request (JSON body, or form ``data``) and return the exchange.

        ``retries=False``: one attempt, whatever the policy says, spending no retry budget.
        ``credentials``: what the auth layer adds, sent only to allowed origins.
        ``cookies``: the jar the request's cookies come from and the answer's cookies go to (a
        scenario's); ``None``: no cookie is sent or kept.
        """
        method = method.upper()
        policy = self.retry_policy if retries else self.retry_policy.without_retries()
        all_headers = {**self.headers, **(headers or {})}
        key = policy.idempotency_key
        if (
            method in KEYED_METHODS
            and key is not None
            and not any(k.lower() == key.lower() for k in all_headers)
        ):
            all_headers[key] = uuid.uuid4().hex  # the same on every attempt
        body: bytes | None = None
        if json is not None:
            body = jsonlib.dumps(json, default=_json_default).encode()
            all_headers.setdefault("Content-Type", "application/json")
        _check_header_values(method, self.url_for(path), all_headers, credentials)
        plan = HopPlan(
            self._transport.session,
            (credentials or Credentials()).overridden_by(all_headers, params or {}),
            allowed_origins(self.base_url, self._transport.trusted_origins),
            cookies,
        )
        request = requests.Request(
            method, self.url_for(path), headers=all_headers, params=dict(params or {}), data=data
        )
        try:
            prepared = plan.first(request)
        except (requests.RequestException, ValueError) as err:  # a URL or header requests refuses
            url = redact_url(request.url)
            raise TransportError(
                f"{method} {url}: invalid request: {type(err).__name__}", method=method, url=url
            ) from None
        if body is not None:
            prepared.prepare_body(body, None)
        return self._send(prepared, policy, plan)

    def _send(
        self, prepared: requests.PreparedRequest, policy: RetryPolicy, plan: HopPlan
    ) -> Exchange:
        """Send with retries as the policy allows; return the final exchange or raise."""

        def attempt(first: requests.PreparedRequest, deadline: float | None) -> Received:
            return self._attempt(plan, first, deadline)

        run = RetryRun(attempt, prepared, policy, self._transport.timeouts.deadline)
        run.credentials = plan.credentials.header_names() | (
            frozenset({"cookie"}) if plan.credentials.cookies else frozenset()
        )
        run.credential_params = frozenset(plan.credentials.params)
        try:
            received = run.run()
        except ApiClientError as err:
            err.attempts = tuple(run.attempts)
            err.exchange = run.failed_exchange(str(err), outcome_unknown=err.outcome_unknown)
            self._notify(err.exchange)
            raise
        exchange = run.exchange(received)
        self._notify(exchange)
        return exchange

    def _notify(self, exchange: Exchange) -> None:
        for listener in list(self._transport.listeners):
            listener(exchange)

    def _attempt(
        self, plan: HopPlan, prepared: requests.PreparedRequest, deadline: float | None
    ) -> Received:
        """One try: send, following redirects hop by hop, read the whole body, close.

        Raises :class:`AttemptFailed`. A failure after a redirect was answered is not retried:
        the first request was processed (it got the redirect), so sending it again would repeat it.
        """
        method, url = prepared.method or "GET", prepared.url or ""
        hops: list[Hop] = []
        phase = "send"
        try:
            while True:
                response, body = self._hop(prepared, method, url, deadline)
                plan.remember(prepared, response)
                if not response.is_redirect:
                    return Received(response, body, tuple(hops), prepared)
                hops.append(_hop_record(prepared, response))
                if len(hops) > _max_redirects(self._transport.session):
                    raise requests.TooManyRedirects(f"more than {len(hops) - 1} redirects")
                phase = "redirect"
                prepared = plan.follow(prepared, response)
        except _CutByDeadline:
            raise self._deadline_error(method, url) from None
        except _BodyFailed as failed:
            raise AttemptFailed(
                _outcome_of(failed.error, "body"), _describe(failed.error)
            ) from None
        except (requests.RequestException, urllib3.exceptions.HTTPError) as err:
            outcome = _outcome_of(err, phase)
            if outcome.kind == "reset-before-response" and _past(deadline):
                # the watchdog cut headers still arriving at the deadline: sent, answer late
                outcome = Outcome("read-timeout", detail="headers not complete by the deadline")
            raise AttemptFailed(outcome, outcome.detail) from None

    def _hop(
        self,
        prepared: requests.PreparedRequest,
        method: str,
        url: str,
        deadline: float | None,
    ) -> tuple[requests.Response, bytes]:
        """Send one hop and read its body; a body cut by the deadline is the deadline's doing."""
        t = self._transport.timeouts
        with deadline_scope(deadline):
            response = self._transport.session.send(
                prepared,
                timeout=(t.connect, _remaining(t.read, deadline)),
                stream=True,
                allow_redirects=False,
            )
        try:
            return response, self._read_body(response, method, url, deadline)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as err:
            # A response cut by the deadline is the deadline's doing; a request that got no
            # answer in time is judged by the retry layer (lost, or never sent), which then
            # stops at the deadline.
            if deadline is not None and time.monotonic() >= deadline:
                raise _CutByDeadline from None
            raise _BodyFailed(err) from None
        finally:
            response.close()

    def _deadline_error(self, method: str, url: str) -> DeadlineExceededError:
        return DeadlineExceededError(
            f"{method} {redact_url(url)}: no complete response within the"
            f" {self._transport.timeouts.deadline} s request deadline",
            method=method,
            url=url,
        )

    def _read_body(
        self, response: requests.Response, method: str, url: str, deadline: float | None
    ) -> bytes:
        """Read the body in whatever pieces arrive, within the size limit and the deadline.

        Each socket read waits at most the read timeout or what is left of the deadline,
        whichever is shorter, so a body dribbled a byte at a time cannot outlast the deadline.
        """
        limit, read_timeout = self._transport.max_body, self._transport.timeouts.read
        raw = response.raw
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    raise self._deadline_error(method, url)
                if sock is not None:
                    sock.settimeout(_remaining(read_timeout, deadline))
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if limit is not None and size > limit:
                    raise ResponseTooLargeError(
                        f"{method} {redact_url(url)}: response body passed {limit} bytes",
                        method=method,
                        url=url,
                    )
                chunks.append(chunk)
        finally:
            if sock is not None and sock.fileno() != -1:
                sock.settimeout(read_timeout)  # the pooled connection's next request starts clean


class _CutByDeadline(Exception):
    """A response body was still arriving when the deadline passed."""


class _BodyFailed(Exception):
    """A response body broke off (internal: classified as lost mid-body)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _max_redirects(session: requests.Session) -> int:
    return int(getattr(session, "max_redirects", requests.models.DEFAULT_REDIRECT_LIMIT))


def _hop_record(prepared: requests.PreparedRequest, response: requests.Response) -> Hop:
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return Hop(
        method=prepared.method or "GET",
        url=prepared.url or "",
        status=response.status_code,
        request_headers=dict(prepared.headers),
        request_body=body,
        location=response.headers.get("Location", ""),
    )


def _check_header_values(
    method: str, url: str, headers: Mapping[str, str], credentials: Credentials | None
) -> None:
    """One line, before anything is sent, for a header value HTTP cannot carry (http.client
    would raise a UnicodeEncodeError from deep inside urllib3). The value is never echoed: it
    may be a credential."""
    every = {**headers, **(credentials.headers if credentials else {})}
    for name, value in every.items():
        if not isinstance(value, str):
            continue  # bytes go as they are; anything else requests refuses in its own words
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            shown = redact_url(url)
            raise TransportError(
                f"{method} {shown}: the value of the {name} header is not Latin-1 text, which"
                " an HTTP header cannot carry; percent-encode it or send it in the body",
                method=method,
                url=shown,
            ) from None


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _remaining(read_timeout: float, deadline: float | None) -> float:
    """The read timeout, shortened to what is left of the deadline (never below 1 ms)."""
    if deadline is None:
        return read_timeout
    return max(0.001, min(read_timeout, deadline - time.monotonic()))


def _describe(err: Exception) -> str:
    """A one-line, URL-free description of a requests failure."""
    kinds: list[tuple[type[BaseException], str]] = [
        (requests.ConnectTimeout, "connect timeout"),
        (requests.ReadTimeout, "read timeout"),
        (requests.exceptions.SSLError, "TLS failure"),  # a ConnectionError: check it first
        (requests.ConnectionError, "connection failed"),
        (requests.TooManyRedirects, "too many redirects"),
        (requests.exceptions.ChunkedEncodingError, "connection broken mid-body"),
        (urllib3.exceptions.ReadTimeoutError, "read timeout"),
        (urllib3.exceptions.ProtocolError, "connection broken mid-body"),
    ]
    if isinstance(err, UnsafeRedirectError):
        return str(err)
    kind = next((label for cls, label in kinds if isinstance(err, cls)), type(err).__name__)
    root: BaseException = err
    while root.__context__ is not None and root.__context__ is not root:
        root = root.__context__
    return f"{kind} ({type(root).__name__})"


def _outcome_of(err: Exception, phase: str) -> Outcome:
    """Classify a failed attempt: did the request leave, and how did it end?"""
    detail = _describe(err)
    if isinstance(err, UnsafeRedirectError):
        return Outcome("unsafe-redirect", detail=detail)
    if isinstance(err, requests.TooManyRedirects):
        return Outcome("redirect-loop", detail=detail)
    if isinstance(err, requests.exceptions.SSLError):
        return Outcome("tls-error", detail=detail)
    if isinstance(err, requests.exceptions.InvalidURL | requests.exceptions.InvalidHeader):
        return Outcome("invalid-request", detail=detail)
    if phase == "body":
        return Outcome("reset-mid-body", detail=detail)
    if phase == "redirect":
        return Outcome("redirect-failed", detail=detail)
    if isinstance(err, requests.ConnectTimeout):
        return Outcome("connect-timeout", detail=detail)
    if isinstance(err, requests.ReadTimeout | urllib3.exceptions.ReadTimeoutError):
        return Outcome("read-timeout", detail=detail)
    if isinstance(err, requests.ConnectionError) and _never_connected(err):
        return Outcome("connect-error", detail=detail)
    return Outcome("reset-before-response", detail=detail)


def _never_connected(err: BaseException) -> bool:
    """True when the chain shows the connection was never made (refused, DNS, unreachable)."""
    seen: set[int] = set()
    stack: list[object] = [err]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, urllib3.exceptions.NewConnectionError | ConnectionRefusedError):
            return True
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False
