"""Hooks api-bdd offers to other plugins (the embedded APIs, reporting, a team's own plugins)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from pydantic import SecretStr

if TYPE_CHECKING:
    from client import ApiClient, RetryPolicy


class StartedApi(Protocol):
    """What ``pytest_api_bdd_start_api`` returns."""

    url: str
    # the credentials of the user it was seeded with, by environment variable name
    # (``{"API_USERNAME": ..., "API_PASSWORD": ...}``): an embedded run uses these and nothing
    # from the environment
    credentials: Mapping[str, str]

    def stats(self) -> dict[str, Any]: ...

    def stop(self) -> None: ...


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_retry_policy(config: pytest.Config) -> RetryPolicy | None:
    """Return the retry policy for this run's client, or None to keep the default.

    The default comes from ``--retries`` (or the profile's ``retries``). The first plugin to
    return a policy wins.
    """


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_start_api(
    config: pytest.Config, name: str, workdir: Path, worker: int, client_timeout: float
) -> StartedApi | None:
    """Start the embedded API ``name`` (a profile's ``base_url = "embedded:NAME"``) on
    127.0.0.1 for this worker, or return None when it is not yours. ``worker`` is the xdist
    worker's number (0 without xdist); ``client_timeout`` the client's read timeout."""


@pytest.hookspec
def pytest_api_bdd_embedded_apis() -> Any:
    """The names (``list[str]``) of the embedded APIs this plugin starts (``embedded:NAME``)."""


@pytest.hookspec
def pytest_api_bdd_client_created(client: ApiClient) -> None:
    """The worker's client exists: add listeners to see every exchange it makes."""


@pytest.hookspec(historic=True)
def pytest_api_bdd_secret(value: SecretStr, name: str) -> None:
    """A credential was read or obtained (``name`` says which): mask it. The value travels as a
    ``SecretStr``, so no trace of hook calls (``--debug``) ever prints it.

    Historic (call it with ``call_historic``): a plugin registered after a secret was announced
    still receives it, so the order of ``pytest_plugins`` changes nothing."""


@pytest.hookspec(historic=True)
def pytest_api_bdd_credential(value: str, name: str) -> None:
    """A credential that is not secret (a user name, a client id) was read from the variable
    ``name``: reports name it (cURL commands say ``$API_USERNAME``), nothing masks it.
    Historic, like ``pytest_api_bdd_secret``."""


@pytest.hookspec
def pytest_api_bdd_steps_resolved(
    item: pytest.Item, functions: list[str | None], problem: tuple[int, str] | None
) -> None:
    """The pre-flight resolved the item's steps: each step's function (None when undefined or
    ambiguous), and the first authoring problem as (step line, "undefined" | "ambiguous")."""


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_step_catalog(session: pytest.Session) -> list[dict[str, Any]] | None:
    """Every step definition: type, pattern, function, doc, uses, uri, line."""


@pytest.hookspec
def pytest_api_bdd_response_checks(config: pytest.Config, profile: Any) -> Any:
    """Checks (``Callable[[Exchange], None]``, raising AssertionError) run on every response a
    scenario receives, e.g. OpenAPI conformance for a profile that names a document."""


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_feature_files(config: pytest.Config) -> list[Path] | None:
    """The feature files this run collects (the profile's), for checks that read them."""


@pytest.hookspec(historic=True)
def pytest_api_bdd_profile(config: pytest.Config, name: str) -> None:
    """The run's API profile was chosen (at configure time): e.g. to keep its run history apart
    from other profiles'. Historic: a plugin registered later is called too."""


@pytest.hookspec(historic=True)
def pytest_api_bdd_openapi_document(
    config: pytest.Config, document: dict[str, Any], base_path: str
) -> None:
    """The profile's OpenAPI document was read (at configure time): e.g. to keep coverage.
    Historic, like ``pytest_api_bdd_secret``: a plugin registered later (by another plugin's
    ``pytest_configure``) still receives it."""


@pytest.hookspec
def pytest_api_bdd_document_changes(config: pytest.Config, changes: list[dict[str, Any]]) -> None:
    """The running API's document differs from the profile's (``models.breaking.Change``
    records as dicts; empty when they agree). Called once per process that compared them."""


@pytest.hookspec
def pytest_api_bdd_step_note(item: pytest.Item, note: dict[str, Any]) -> None:
    """A step said something the living documentation shows beside it, as plain data:
    ``{"kind": "value", "name": "${order_id}", "value": ...}`` (a reference and the value it
    had), ``{"kind": "remembered", "name": "${order_id}", "value": ...}`` (a value a step
    remembered) or ``{"kind": "expected", "status": 404}`` (the last response's status was
    the one the step asked for, so the report does not paint it as a failure)."""


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_run_description(config: pytest.Config) -> dict[str, Any] | None:
    """What the report header says about the run, secret-free: ``profile``, ``base_url``,
    ``embedded`` (the embedded API's name or None), ``auth`` (the scheme's name),
    ``features`` (the profile's feature folders), ``api_version`` (the OpenAPI document's
    ``info.version``, or None), ``api_title``."""
