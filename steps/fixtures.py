"""Session fixtures: the API under test, the settings, and the one pooled client per worker.

With no base URL (pytest-base-url's ``--base-url``, ``PYTEST_BASE_URL`` or the ``base_url`` ini
key) the embedded demo shop is started on 127.0.0.1, port 0, with a fresh SQLite file and
credentials generated for this run; once per xdist worker, stopped at the end. With a base URL,
nothing is started and credentials come from ``API_USERNAME`` and ``API_PASSWORD``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from client import (
    ApiClient,
    ApiSettings,
    RetryPolicy,
    SettingsError,
    Timeouts,
    build_session,
    load_settings,
    no_retries,
)
from steps.hookspecs import StartedApi
from steps.options import get_option

_DEMO_USER = pytest.StashKey[tuple[str, str]]()
EMBEDDED_API = pytest.StashKey[StartedApi]()  # the API started when no base URL is given


def external_base_url(config: pytest.Config) -> str | None:
    """The base URL the user gave, or None when the embedded demo API should be used."""
    value = config.getoption("base_url", None) or config.getini("base_url")
    return str(value).rstrip("/") if value else None


def worker_id(config: pytest.Config) -> str:
    """``gw0``, ``gw1``... under pytest-xdist; ``main`` otherwise.

    Read from the config, not ``PYTEST_XDIST_WORKER``: a pytest run started inside an xdist
    worker (a plugin test) inherits that variable without being a worker itself.
    """
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "main"


def embedded_options(config: pytest.Config) -> dict[str, Any]:
    """The ``--demo-*`` values for the embedded API."""
    return {
        "rate": get_option(config, "demo_fault_rate"),
        "seed": get_option(config, "demo_fault_seed"),
        "mix": get_option(config, "demo_fault_mix"),
        "retry_after": get_option(config, "demo_retry_after"),
        # a stall outlasts the client's read timeout, so the client sees one
        "stall": get_option(config, "api_timeout") + 0.5,
    }


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from steps import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    if external_base_url(config) is None:
        try:
            config.hook.pytest_api_bdd_check_api_options(options=embedded_options(config))
        except ValueError as err:
            raise pytest.UsageError(f"api-bdd: {err}") from None
    # Fail before any test, in one line, when an external API's credentials are missing.
    else:
        try:
            settings = load_settings()
            if settings.token is None:
                settings.require("username", "password")
        except SettingsError as err:
            raise pytest.UsageError(f"api-bdd: {err}") from None


@pytest.fixture(scope="session")
def demo_credentials(request: pytest.FixtureRequest) -> tuple[str, str]:
    """This run's generated user for the embedded API (never written to disk or printed)."""
    stash = request.config.stash
    if _DEMO_USER not in stash:
        stash[_DEMO_USER] = (f"bdd-{secrets.token_hex(4)}", secrets.token_urlsafe(32))
    return stash[_DEMO_USER]


@pytest.fixture(scope="session")
def base_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_credentials: tuple[str, str],
) -> Iterator[str]:
    """Overrides pytest-base-url's fixture: the given URL, or an API started for this worker
    by the plugin that answers ``pytest_api_bdd_start_api`` (the demo shop)."""
    config = request.config
    given = external_base_url(config)
    if given is not None:
        yield given
        return
    username, password = demo_credentials
    started = config.hook.pytest_api_bdd_start_api(
        config=config,
        workdir=tmp_path_factory.mktemp("embedded-api"),
        username=username,
        password=password,
        options=embedded_options(config),
        worker=int(worker_id(config).removeprefix("gw").replace("main", "0")),
    )
    if started is None:
        raise pytest.UsageError("api-bdd: no base URL given and no embedded API: use --base-url")
    config.stash[EMBEDDED_API] = started
    try:
        yield started.url
    finally:
        started.stop()


@pytest.fixture(scope="session")
def api_settings(
    request: pytest.FixtureRequest, base_url: str, demo_credentials: tuple[str, str]
) -> ApiSettings:
    """Credentials: generated ones for the embedded API, the environment's for any other."""
    if external_base_url(request.config) is None:
        username, password = demo_credentials
        return ApiSettings(username=username, password=SecretStr(password))
    return load_settings()


@pytest.fixture(scope="session")
def retry_policy(request: pytest.FixtureRequest) -> RetryPolicy:
    """The worker's retry policy (one budget for the whole run).

    A plugin can supply another through the ``pytest_api_bdd_retry_policy`` hook.
    """
    chosen = request.config.hook.pytest_api_bdd_retry_policy(config=request.config)
    if chosen is not None:
        return chosen  # type: ignore[no-any-return]
    retries = get_option(request.config, "api_retries")
    return no_retries() if retries == 0 else RetryPolicy(max_attempts=retries + 1)


@pytest.fixture(scope="session")
def api_client(
    request: pytest.FixtureRequest,
    base_url: str,
    api_settings: ApiSettings,
    retry_policy: RetryPolicy,
) -> Iterator[ApiClient]:
    """The worker's one client: a pooled session, explicit timeouts, closed at the end."""
    config = request.config
    timeouts = Timeouts(
        connect=get_option(config, "api_connect_timeout"),
        read=get_option(config, "api_timeout"),
        deadline=get_option(config, "api_deadline"),
    )
    session = build_session(pool_size=10, trust_env=get_option(config, "api_trust_env"))
    headers = {"User-Agent": f"api-bdd (worker {worker_id(config)})"}
    if api_settings.key is not None:
        headers["X-API-Key"] = api_settings.key.get_secret_value()
    client = ApiClient(
        base_url, timeouts=timeouts, session=session, headers=headers, retry_policy=retry_policy
    )
    yield client
    client.close()
