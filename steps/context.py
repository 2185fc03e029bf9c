"""The scenario context: who is calling, what the last request answered, variables, clean-up.

Generic: it knows HTTP, the profile and its authentication, never a domain (no products, no
orders). Every request a step makes goes through :meth:`Context.send`, which applies the
identity, the request parts earlier steps prepared and the retry switch, records the exchange
as ``ctx.last`` and runs the response checks the profile asks for (OpenAPI conformance).
Clean-up requests registered with :meth:`Context.on_cleanup` run last-in first-out when the
scenario ends, also when it failed, unless ``--keep-data`` is given.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from client import ApiClient, ApiClientError, Exchange, OutcomeUnknownError
from client.auth import Authenticator
from client.profiles import Profile
from steps.variables import Variables

Check = Callable[[Exchange], None]


class StepUsageError(AssertionError):
    """A step was used out of order (e.g. a response check before any request): one line."""


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
    unknown_outcomes: list[str] = field(default_factory=list)
    _last: Exchange | None = None
    # tells the report what a step established (see ``pytest_api_bdd_step_note``)
    note: Callable[[dict[str, Any]], None] = field(default=lambda note: None, repr=False)

    # -- who is calling --------------------------------------------------------------------
    def sign_in(self) -> None:
        """Send the profile's credentials from now on (signing in when the scheme needs it)."""
        self.identity, self.token = "signed-in", None
        self._auth_parts()  # sign in now, so a failure is this step's

    def anonymous(self) -> None:
        self.identity, self.token = "anonymous", None

    def use_token(self, token: str) -> None:
        self.identity, self.token = "token", token

    def _auth_parts(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        if self.identity == "token" and self.token is not None:
            return {"Authorization": f"Bearer {self.token}"}, {}
        if self.identity == "signed-in":
            parts = self.auth.parts(self.client)
            if self.auth.last_grant is not None:
                self._record(self.auth.last_grant)
                self.auth.last_grant = None
            return parts.headers, parts.params
        return {}, {}

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
        auth_headers, auth_params = self._auth_parts()
        all_headers = {**auth_headers, **prepared.headers, **(headers or {})}
        all_params = {**auth_params, **prepared.params, **(params or {})}
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
            )
        except OutcomeUnknownError as err:
            self.unknown_outcomes.append(f"{err.method} {err.url}")
            raise
        if undo is not None:
            self._register_undo(undo, exchange)
        if record:
            self._record(exchange)
            for check in self.checks:
                check(exchange)
        return exchange

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

    def run_cleanups(self) -> list[str]:
        """Run every registered clean-up, newest first; return what could not be undone."""
        failures: list[str] = []
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
                failures.append(str(err))
                continue
            failures.extend(_cleanup_problem(answer))
        return failures


def _cleanup_problem(answer: Exchange) -> Iterator[str]:
    """A clean-up is done when it succeeded, or found nothing left to undo (404, 410)."""
    if answer.status < 300 or answer.status in (404, 410):
        if answer.outcome_unknown:
            yield f"{answer.describe()}: an earlier attempt's outcome is unknown"
        return
    yield answer.describe()


def finish(request: pytest.FixtureRequest, context: Context, keep_data: bool) -> None:
    """At the end of the scenario: run the clean-ups (or keep the data) and say what stayed."""
    if keep_data:
        return
    failures = context.run_cleanups()
    failures.extend(
        f"{request} may have been applied (its answer was lost), and nothing undoes it"
        for request in context.unknown_outcomes
    )
    if failures:
        request.node.warn(
            pytest.PytestWarning(f"api-bdd: clean-up left data behind: {'; '.join(failures)}")
        )
