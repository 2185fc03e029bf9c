"""The scenario context: who is calling, what the last request answered, variables, clean-up.

Generic: it knows HTTP, the profile and its authentication, never a domain (no products, no
orders). Every request a step makes goes through :meth:`Context.send`, which applies the
identity, the request parts earlier steps prepared and the retry switch, records the exchange
as ``ctx.last`` and runs the response checks the profile asks for (OpenAPI conformance).
Clean-up requests registered with :meth:`Context.on_cleanup` run last-in first-out when the
scenario ends, also when it failed, unless ``--keep-data`` is given. One whose answer is neither
2xx nor 404/410 (or that gets no answer) fails the scenario's teardown (:class:`CleanupError`).
A path the scenario itself deleted with a 2xx answer loses its clean-up: an API that reuses ids
may already have given that id to what another scenario created.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from client import ApiClientError, Exchange, OutcomeUnknownError
from client.profiles import Profile
from steps.variables import Variables

if TYPE_CHECKING:  # the HTTP client (requests) loads where a context is built, not at import
    from client import ApiClient, Credentials
    from client.auth import Authenticator
    from models.schemas import ModelCatalogue

Check = Callable[[Exchange], None]
SecretSink = Callable[[str, str], None]  # (value, name)


class StepUsageError(AssertionError):
    """A step was used out of order (e.g. a response check before any request): one line."""


class CleanupError(Exception):
    """A clean-up request failed, so the scenario left data behind: fails its teardown."""


@dataclass
class PreparedRequest:
    """Headers and query parameters that earlier steps set for the next request."""

    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Cleanup:
    method: str
    path: str
    # the token in force when it was registered ("signed-in": the profile's); None: anonymous
    identity: str | None = field(repr=False)


@dataclass
class Context:
    client: ApiClient
    auth: Authenticator
    profile: Profile
    variables: Variables
    checks: list[Check] = field(default_factory=list)
    identity: str = "anonymous"  # "anonymous", "signed-in" or "token"
    token: str | None = field(default=None, repr=False)  # a token a step chose to send
    retries: bool = True  # False: the scenario is tagged @no-retry
    next_without_retries: bool = False
    prepared: PreparedRequest = field(default_factory=PreparedRequest)
    cleanups: list[Cleanup] = field(default_factory=list)
    # requests that may have been applied although no answer said so (clean-up cannot undo them)
    outcome_unknown_requests: list[str] = field(default_factory=list)
    # the scenario's cookies: empty at its start, emptied by "I am anonymous"
    cookies: CookieJar = field(default_factory=CookieJar, repr=False)
    # where a cookie the API set goes to be masked like a token (the redactor)
    on_secret: SecretSink = field(default=lambda value, name: None, repr=False)
    # the models steps may name (module classes and schemas); None: the models module alone
    catalogue: Callable[[], ModelCatalogue] | None = field(default=None, repr=False)
    _last: Exchange | None = None
    # tells the report what a step established (see ``pytest_api_bdd_step_note``)
    note: Callable[[dict[str, Any]], None] = field(default=lambda note: None, repr=False)

    # -- who is calling --------------------------------------------------------------------
    def sign_in(self) -> None:
        """Send the profile's credentials from now on (signing in when the scheme needs it)."""
        self.identity, self.token = "signed-in", None
        self._auth_parts()  # sign in now, so a failure is this step's

    def anonymous(self) -> None:
        """Send no credential and no cookie received earlier in the scenario."""
        self.identity, self.token = "anonymous", None
        self.cookies.clear()

    def use_token(self, token: str) -> None:
        self.identity, self.token = "token", token

    def _auth_parts(self) -> Credentials:
        """What the identity adds to a request: credentials by provenance, whatever their names."""
        from client import Credentials  # loaded with the client this context was given

        if self.identity == "token" and self.token is not None:
            return Credentials(headers={"Authorization": f"Bearer {self.token}"})
        if self.identity == "signed-in":
            parts = self.auth.parts(self.client)
            if self.auth.last_grant is not None:
                self._record(self.auth.last_grant)
                self.auth.last_grant = None
            return parts
        return Credentials()

    # -- sending ---------------------------------------------------------------------------
    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: bool | None = None,
        record: bool = True,
        undo: str | None = None,
    ) -> Exchange:
        """Send a request as the current identity, with what earlier steps prepared.

        ``retries=False`` (or a ``@no-retry`` scenario, or ``the next request is not
        retried``) sends it once. ``record=False`` leaves ``ctx.last`` alone (clean-up).
        ``undo="DELETE /products/{id}"``: when the answer is a 2xx JSON object, register that
        clean-up, its ``{fields}`` taken from the answer, before anything is checked (so what
        was created is removed even when the step then fails on the body).
        """
        prepared, self.prepared = self.prepared, PreparedRequest()
        credentials = self._auth_parts()
        all_headers = {**prepared.headers, **(headers or {})}
        all_params = {**prepared.params, **(params or {})}
        once = retries is False or not self.retries or self.next_without_retries
        self.next_without_retries = False
        try:
            exchange = self.client.request(
                method,
                path,
                json=json,
                data=data,
                params=all_params or None,
                headers=all_headers or None,
                retries=not once,
                credentials=credentials,
                cookies=self.cookies,
            )
        except OutcomeUnknownError as err:
            self.outcome_unknown_requests.append(f"{err.method} {err.url}")
            raise
        finally:
            self._mask_cookies()
        if undo is not None:
            self._register_undo(undo, exchange)
        if exchange.method == "DELETE" and 200 <= exchange.status < 300:
            self._drop_cleanups(path)
        if record:
            self._record(exchange)
            for check in self.checks:
                check(exchange)
        return exchange

    def _mask_cookies(self) -> None:
        """A cookie the API set is a session credential: masked in every report, like a token."""
        for cookie in self.cookies:
            if cookie.value:
                self.on_secret(cookie.value, f"the {cookie.name} cookie the API set")

    def _register_undo(self, undo: str, exchange: Exchange) -> None:
        if not 200 <= exchange.status < 300:
            return
        try:
            created = exchange.json()
        except ValueError:
            return
        if not isinstance(created, dict):
            return
        method, _, template = undo.partition(" ")
        try:
            path = template.format(**created)
        except (KeyError, IndexError, ValueError):
            return
        self.on_cleanup(method, path)

    def _record(self, exchange: Exchange) -> None:
        self._last = exchange

    def expected(self) -> None:
        """The last response's status is the one the step asked for (a 404 after a delete):
        the report shows it as expected, not as a failure. A domain step that checks for a
        refusal calls it once the check passed."""
        self.note({"kind": "expected", "status": self.last.status})

    @property
    def last(self) -> Exchange:
        if self._last is None:
            raise StepUsageError("no request has been made yet in this scenario")
        return self._last

    # -- models ----------------------------------------------------------------------------
    def models(self) -> ModuleType:
        if not self.profile.models:
            raise StepUsageError(f"profile {self.profile.name!r} names no models module")
        return importlib.import_module(self.profile.models)

    def model(self, name: str) -> Any:
        """The model ``name``: a class of the profile's models module, or a schema of its
        OpenAPI document or JSON Schema file (see ``models.schemas``)."""
        if self.catalogue is not None:
            catalogue = self.catalogue()
            found = catalogue.find(name)
            if found is None:
                raise StepUsageError(catalogue.unknown(name))
            return found
        found = getattr(self.models(), name, None)
        if not isinstance(found, type):
            raise StepUsageError(f"no model {name!r} in {self.profile.models}")
        return found

    # -- clean-up --------------------------------------------------------------------------
    def on_cleanup(self, method: str, path: str) -> None:
        """Register a request that undoes what the scenario created (run last-in first-out)."""
        identity = None
        if self.identity != "anonymous":
            identity = self.token if self.identity == "token" else "signed-in"
        self.cleanups.append(Cleanup(method.upper(), path, identity))

    def _drop_cleanups(self, deleted: str) -> None:
        """The scenario deleted ``deleted`` itself: its clean-ups go, since the id may be handed
        to what another scenario creates next (json-server does) and must not be deleted then."""
        gone = _resource(self.client.url_for(deleted))
        self.cleanups = [c for c in self.cleanups if _resource(self.client.url_for(c.path)) != gone]

    def run_cleanups(self) -> tuple[list[str], list[str]]:
        """Run every registered clean-up, newest first; return (failures, doubts): what could not
        be undone, and what was undone although an earlier attempt's outcome is unknown."""
        failures: list[str] = []
        doubts: list[str] = []
        while self.cleanups:
            cleanup = self.cleanups.pop()
            if cleanup.identity is None:
                self.anonymous()
            elif cleanup.identity == "signed-in":
                self.identity, self.token = "signed-in", None
            else:
                self.use_token(cleanup.identity)
            try:
                answer = self.send(cleanup.method, cleanup.path, record=False)
            except (ApiClientError, AssertionError) as err:
                failures.append(f"{cleanup.method} {cleanup.path}: {err}")
                continue
            if not _cleanup_done(answer):
                failures.append(_evidence(answer))
            elif answer.outcome_unknown:
                doubts.append(f"{answer.describe()}: an earlier attempt's outcome is unknown")
        return failures, doubts


def _resource(url: str) -> str:
    """A URL without its query and trailing slash: the resource a DELETE removes."""
    return url.partition("?")[0].partition("#")[0].rstrip("/")


def _cleanup_done(answer: Exchange) -> bool:
    """A clean-up is done when it succeeded, or found nothing left to undo (404, 410)."""
    return 200 <= answer.status < 300 or answer.status in (404, 410)


def _evidence(answer: Exchange) -> str:
    """The request and its answer, on one line: ``DELETE URL -> 500: {"detail": ...}``."""
    body = " ".join(answer.text.split())
    if len(body) > EVIDENCE_LIMIT:
        body = body[:EVIDENCE_LIMIT] + "…"
    return f"{answer.describe()}: {body}" if body else answer.describe()


EVIDENCE_LIMIT = 200  # characters of a failed clean-up's answer shown in its one-line error


def finish(request: pytest.FixtureRequest, context: Context, keep_data: bool) -> None:
    """At the end of the scenario: run the clean-ups (or keep the data). A failed clean-up
    fails the teardown; what may have been applied without an answer is a warning."""
    if keep_data:
        return
    failures, doubts = context.run_cleanups()
    doubts.extend(
        f"{request} may have been applied (its answer was lost), and nothing undoes it"
        for request in context.outcome_unknown_requests
    )
    if doubts:
        request.node.warn(
            pytest.PytestWarning(f"api-bdd: clean-up left data behind: {'; '.join(doubts)}")
        )
    if failures:
        raise CleanupError(f"clean-up failed: {'; '.join(failures)}")
