"""The profile of the run, the API under test, the one pooled client per worker, and ``ctx``.

The profile comes from ``--api`` (ini ``api_profile``, ``API_PROFILE``), else from the feature
paths given on the command line, else the profile file's default. Its base URL is a URL (or
``--base-url``/``PYTEST_BASE_URL``, pytest-base-url's) or ``embedded:NAME``: then the plugin
that answers ``pytest_api_bdd_start_api`` for NAME starts it on 127.0.0.1 once per xdist
worker, and the run uses only the credentials that API was seeded with.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from client import (
    ApiClient,
    RetryPolicy,
    SettingsError,
    Timeouts,
    build_session,
    check_base_url,
    no_retries,
)
from client.auth import Authenticator
from client.profiles import Profile, ProfileError, Profiles, load_profiles
from steps.context import Context, finish
from steps.hookspecs import StartedApi
from steps.options import get_option
from steps.variables import Variables

PROFILES = pytest.StashKey[Profiles]()
PROFILE = pytest.StashKey[Profile]()
_CREDENTIALS = pytest.StashKey[Mapping[str, str]]()
EMBEDDED_API = pytest.StashKey[StartedApi]()  # the API started for this worker, if any


def worker_id(config: pytest.Config) -> str:
    """``gw0``, ``gw1``... under pytest-xdist; ``main`` otherwise (read from the config: a
    pytest run started inside an xdist worker inherits ``PYTEST_XDIST_WORKER``)."""
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "main"


def external_base_url(config: pytest.Config) -> str | None:
    """The base URL given with pytest-base-url's option, ini key or environment variable."""
    value = config.getoption("base_url", None) or config.getini("base_url")
    return str(value) if value else None


def profile_of(config: pytest.Config) -> Profile:
    return config.stash[PROFILE]


def _chosen_profile(config: pytest.Config, profiles: Profiles) -> Profile:
    named = get_option(config, "api_profile")
    if named:
        return profiles.get(named)
    owners: set[str] = set()
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = path if path.is_absolute() else Path(config.invocation_params.dir, path)
        if path.suffix == ".feature" or path.is_dir():
            owners.update(profiles.owner_of(path, config.rootpath))
    if len(owners) == 1:  # `pytest features/httpbin` needs no --api
        return profiles.get(owners.pop())
    if len(owners) > 1:
        raise ProfileError(
            f"the paths given hold features of the profiles {', '.join(sorted(owners))}:"
            " run one profile at a time (each against its own API)"
        )
    return profiles.get(None)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        profiles = load_profiles(config.rootpath)
        profile = _chosen_profile(config, profiles)
    except ProfileError as err:
        raise pytest.UsageError(f"api-bdd: {err}") from None
    given = external_base_url(config)
    if given is not None:
        try:
            check_base_url(given)
        except ValueError as err:
            raise pytest.UsageError(f"api-bdd: {err}") from None
        profile = profile.model_copy(update={"base_url": given.rstrip("/")})
    _check_profile(config, profile, given)
    config.stash[PROFILES] = profiles
    config.stash[PROFILE] = profile
    config.hook.pytest_api_bdd_profile.call_historic(
        kwargs={"config": config, "name": profile.name}
    )
    if profile.embedded is None:  # the environment's credentials are the run's
        config.stash[_CREDENTIALS] = os.environ
        for name in profile.secret_variables():
            if os.environ.get(name):
                config.hook.pytest_api_bdd_secret(value=SecretStr(os.environ[name]), name=name)


def _check_profile(config: pytest.Config, profile: Profile, given: str | None) -> None:
    """What would only show once tests run, said in one line now."""
    if profile.implicit:
        features = config.rootpath / "features"
        if given is None and features.is_dir() and any(features.rglob("*.feature")):
            raise pytest.UsageError(
                "api-bdd: no API profile: add [tool.api-bdd.profiles.NAME] to pyproject.toml"
                " (see the README, 'Test your own API') or give --base-url"
            )
        return
    for folder in profile.features:
        if not (config.rootpath / folder).exists():
            raise pytest.UsageError(
                f"api-bdd: profile {profile.name}: its feature folder {folder!r} does not exist"
            )
    if profile.embedded is not None:
        served = {n for names in config.hook.pytest_api_bdd_embedded_apis() for n in names}
        if profile.embedded not in served:
            known = ", ".join(sorted(served)) or "none"
            raise pytest.UsageError(
                f"api-bdd: profile {profile.name}: no plugin starts the embedded API"
                f" {profile.embedded!r} (embedded APIs: {known}); give a base URL instead"
            )


def pytest_report_header(config: pytest.Config) -> str:
    profile = profile_of(config)
    where = f"embedded {profile.embedded}" if profile.embedded else "base URL from the profile"
    return f"api-bdd: profile {profile.name} ({where}; auth {profile.auth.scheme})"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from steps import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.fixture(scope="session")
def api_profile(request: pytest.FixtureRequest) -> Profile:
    """The profile this run tests."""
    return profile_of(request.config)


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Overrides pytest-base-url's fixture: the profile's URL, or its embedded API started for
    this worker by the plugin that answers ``pytest_api_bdd_start_api``.

    pytest-base-url's autouse check makes this fixture part of every test's fixture closure,
    so it asks for nothing else by name: what it needs is looked up when it runs, and
    collecting thousands of scenarios does not walk more fixtures than bare pytest-bdd does."""
    config = request.config
    api_profile = profile_of(config)
    name = api_profile.embedded
    if name is None:
        yield api_profile.base_url
        return
    started = config.hook.pytest_api_bdd_start_api(
        config=config,
        name=name,
        workdir=request.getfixturevalue("tmp_path_factory").mktemp(f"embedded-{name}"),
        worker=int(worker_id(config).removeprefix("gw").replace("main", "0")),
        client_timeout=get_option(config, "api_timeout", api_profile.timeout),
    )
    if started is None:
        raise pytest.UsageError(
            f"api-bdd: profile {api_profile.name}: no plugin starts the embedded API {name!r};"
            " give a base URL (--base-url) or list the plugin in conftest.py"
        )
    secret_names = set(api_profile.secret_variables())
    for variable, value in started.credentials.items():
        if variable in secret_names:
            config.hook.pytest_api_bdd_secret(value=SecretStr(value), name=variable)
        else:
            config.hook.pytest_api_bdd_credential(value=value, name=variable)
    config.stash[_CREDENTIALS] = dict(started.credentials)
    config.stash[EMBEDDED_API] = started
    try:
        yield started.url
    finally:
        started.stop()


@pytest.fixture(scope="session")
def retry_policy(request: pytest.FixtureRequest, api_profile: Profile) -> RetryPolicy:
    """The worker's retry policy (one budget for the whole run); a plugin can supply another
    through the ``pytest_api_bdd_retry_policy`` hook."""
    chosen = request.config.hook.pytest_api_bdd_retry_policy(config=request.config)
    if chosen is not None:
        return chosen  # type: ignore[no-any-return]
    retries = get_option(request.config, "api_retries", api_profile.retries)
    return no_retries() if retries == 0 else RetryPolicy(max_attempts=retries + 1)


@pytest.fixture(scope="session")
def api_client(
    request: pytest.FixtureRequest, base_url: str, retry_policy: RetryPolicy, api_profile: Profile
) -> Iterator[ApiClient]:
    """The worker's one client: a pooled session, explicit timeouts, closed at the end."""
    config = request.config
    timeouts = Timeouts(
        connect=get_option(config, "api_connect_timeout"),
        read=get_option(config, "api_timeout", api_profile.timeout),
        deadline=get_option(config, "api_deadline", api_profile.deadline),
    )
    session = build_session(pool_size=10, trust_env=get_option(config, "api_trust_env"))
    headers = {"User-Agent": f"api-bdd (worker {worker_id(config)})"}
    client = ApiClient(
        base_url, timeouts=timeouts, session=session, headers=headers, retry_policy=retry_policy
    )
    config.hook.pytest_api_bdd_client_created(client=client)
    yield client
    client.close()


@pytest.fixture(scope="session")
def authenticator(
    request: pytest.FixtureRequest, api_client: ApiClient, api_profile: Profile
) -> Authenticator:
    """Signs requests in for the profile; tokens are kept per worker until they expire."""
    config = request.config

    def on_secret(value: str, name: str) -> None:
        config.hook.pytest_api_bdd_secret(value=SecretStr(value), name=name)

    def on_credential(value: str, name: str) -> None:
        config.hook.pytest_api_bdd_credential(value=value, name=name)

    credentials = config.stash[_CREDENTIALS]
    hint = "export it; never commit it to a file"
    if api_profile.embedded is not None:
        offered = ", ".join(sorted(credentials)) or "none"
        hint = (
            f"the embedded API {api_profile.embedded} offers {offered}; an embedded run does"
            " not read the environment"
        )
    return Authenticator(
        api_profile.auth, credentials, on_secret, on_credential=on_credential, missing_hint=hint
    )


@pytest.fixture
def ctx(
    request: pytest.FixtureRequest,
    api_client: ApiClient,
    authenticator: Authenticator,
    api_profile: Profile,
    live_document_changes: list[dict[str, Any]],
) -> Iterator[Context]:
    """The scenario's context; runs its clean-ups when it ends."""
    config = request.config
    authenticator.new_scenario()

    def on_secret(value: str, name: str) -> None:
        config.hook.pytest_api_bdd_secret(value=SecretStr(value), name=name)

    variables = Variables(
        api_profile.variables,
        run_id=secrets.token_hex(2),
        on_secret=on_secret,
        secret_names=frozenset(api_profile.secret_variables()),
        credentials=config.stash[_CREDENTIALS],
    )
    context = Context(api_client, authenticator, api_profile, variables)
    context.retries = request.node.get_closest_marker("no-retry") is None
    for check in config.hook.pytest_api_bdd_response_checks(config=config, profile=api_profile):
        context.checks.extend(check)
    yield context
    finish(request, context, get_option(config, "keep_data"))


__all__ = ["SettingsError", "external_base_url", "profile_of", "worker_id"]
