"""Session fixtures: the API under test, the settings, and the one pooled client per worker.

With no base URL (pytest-base-url's ``--base-url``, ``PYTEST_BASE_URL`` or the ``base_url`` ini
key) the embedded demo shop is started on 127.0.0.1, port 0, with a fresh SQLite file and
credentials generated for this run; once per xdist worker, stopped at the end. With a base URL,
nothing is started and credentials come from ``API_USERNAME`` and ``API_PASSWORD``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from client import ApiClient, ApiSettings, SettingsError, Timeouts, build_session, load_settings
from steps.options import get_option

_DEMO_USER = pytest.StashKey[tuple[str, str]]()


def external_base_url(config: pytest.Config) -> str | None:
    """The base URL the user gave, or None when the embedded demo API should be used."""
    value = config.getoption("base_url", None) or config.getini("base_url")
    return str(value).rstrip("/") if value else None


def pytest_configure(config: pytest.Config) -> None:
    # Fail before any test, in one line, when an external API's credentials are missing.
    if external_base_url(config) is not None:
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
    """Overrides pytest-base-url's fixture: the given URL, or a demo API started for this worker."""
    given = external_base_url(request.config)
    if given is not None:
        yield given
        return
    from demo_api import DemoServer, SeedUser, create_app  # only the embedded default needs it

    username, password = demo_credentials
    database = tmp_path_factory.mktemp("demo-api") / "shop.sqlite3"
    with DemoServer(create_app(database, [SeedUser(username, password)])) as server:
        yield server.url


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
def api_client(
    request: pytest.FixtureRequest, base_url: str, api_settings: ApiSettings
) -> Iterator[ApiClient]:
    """The worker's one client: a pooled session, explicit timeouts, closed at the end."""
    config = request.config
    timeouts = Timeouts(
        connect=get_option(config, "api_connect_timeout"),
        read=get_option(config, "api_timeout"),
        deadline=get_option(config, "api_deadline"),
    )
    session = build_session(pool_size=10, trust_env=get_option(config, "api_trust_env"))
    headers = {"User-Agent": f"api-bdd (worker {os.environ.get('PYTEST_XDIST_WORKER', 'main')})"}
    if api_settings.key is not None:
        headers["X-API-Key"] = api_settings.key.get_secret_value()
    client = ApiClient(base_url, timeouts=timeouts, session=session, headers=headers)
    yield client
    client.close()
