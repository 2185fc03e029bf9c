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
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
from pydantic import SecretStr

from client import RetryPolicy, SettingsError, Timeouts, check_base_url, no_retries
from client.profiles import (
    ClientCredentialsGrant,
    PasswordGrant,
    Profile,
    ProfileError,
    Profiles,
    load_profiles,
)
from steps.hookspecs import StartedApi
from steps.options import get_option
from steps.variables import Variables

if TYPE_CHECKING:
    # The HTTP client (requests, urllib3, tenacity) and the scenario context load with the first
    # fixture that builds them, in a process that runs tests: an xdist controller never does.
    from client import ApiClient
    from client.auth import Authenticator
    from steps.context import Context

PROFILES = pytest.StashKey[Profiles]()
PROFILE = pytest.StashKey[Profile]()
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


def announce_secret(config: pytest.Config, value: SecretStr, name: str) -> None:
    """Hand a secret to every plugin, those registered later included (a historic hook)."""
    config.hook.pytest_api_bdd_secret.call_historic(kwargs={"value": value, "name": name})


def announce_credential(config: pytest.Config, value: str, name: str) -> None:
    """Hand a non-secret credential (a user name) to every plugin, later ones included."""
    config.hook.pytest_api_bdd_credential.call_historic(kwargs={"value": value, "name": name})


def profile_of(config: pytest.Config) -> Profile:
    """The profile this run tests: chosen once, by whichever plugin asks first (so no plugin
    depends on this one's ``pytest_configure`` having run before its own)."""
    if PROFILE not in config.stash:
        _choose(config)
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
    profile_of(config)  # a bad profile is a usage error before anything else runs


def _choose(config: pytest.Config) -> None:
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
        for name in profile.secret_variables():
            if os.environ.get(name):
                announce_secret(config, SecretStr(os.environ[name]), name)


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
    _check_token_url(config, profile)
    if profile.embedded is not None:
        served = {n for names in config.hook.pytest_api_bdd_embedded_apis() for n in names}
        if profile.embedded not in served:
            known = ", ".join(sorted(served)) or "none"
            raise pytest.UsageError(
                f"api-bdd: profile {profile.name}: no plugin starts the embedded API"
                f" {profile.embedded!r} (embedded APIs: {known}); give a base URL instead"
            )


def _check_token_url(config: pytest.Config, profile: Profile) -> None:
    """An OAuth2 profile's token server of its own (a full ``token_url``) answers, checked
    once, on the controller: a wrong host or path is one line now rather than a failed sign-in
    in every scenario. A ``token_url`` that is a path is the API's own endpoint: the API is
    checked by the scenarios that use it."""
    auth = profile.auth
    if not isinstance(auth, PasswordGrant | ClientCredentialsGrant) or hasattr(
        config, "workerinput"
    ):
        return
    url = auth.token_url
    if not url.startswith(("http://", "https://")):
        return
    from client.auth import token_url_problem

    problem = token_url_problem(url)
    if problem is not None:
        raise pytest.UsageError(f"api-bdd: profile {profile.name}: {problem}")


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
            announce_secret(config, SecretStr(value), variable)
        else:
            announce_credential(config, value, variable)
    config.stash[EMBEDDED_API] = started
    try:
        yield started.url
    finally:
        started.stop()


class Credentials(Mapping[str, str]):
    """The run's credentials by variable name, read through to ``source`` (the environment
    stays live). Its repr names where they come from, never a value: pytest's ``--debug``
    trace prints every fixture's value."""

    def __init__(self, source: Mapping[str, str], where: str) -> None:
        self._source = source
        self._where = where

    def __getitem__(self, name: str) -> str:
        return self._source[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __repr__(self) -> str:
        return f"<credentials: {self._where}>"


@pytest.fixture(scope="session")
def api_credentials(
    base_url: str, api_profile: Profile, request: pytest.FixtureRequest
) -> Mapping[str, str]:
    """The run's credentials by variable name: the environment's, or (an embedded API) only
    those the started API was seeded with, which is why it asks for ``base_url``."""
    if api_profile.embedded is None:
        return Credentials(os.environ, "the environment")
    started = request.config.stash.get(EMBEDDED_API, None)
    offered = {} if started is None else dict(started.credentials)
    return Credentials(offered, f"the embedded API {api_profile.embedded}")


@pytest.fixture(scope="session")
def retry_policy(request: pytest.FixtureRequest, api_profile: Profile) -> RetryPolicy:
    """The worker's retry policy (one budget for the whole run); a plugin can supply another
    through the ``pytest_api_bdd_retry_policy`` hook."""
    chosen = request.config.hook.pytest_api_bdd_retry_policy(config=request.config)
    if chosen is not None:
        return chosen  # type: ignore[no-any-return]
    retries = get_option(request.config, "api_retries", api_profile.retries)
    if retries == 0:
        return no_retries()
    return RetryPolicy(max_attempts=retries + 1, idempotency_key=api_profile.idempotency_key)


@pytest.fixture(scope="session")
def api_client(
    request: pytest.FixtureRequest, base_url: str, retry_policy: RetryPolicy, api_profile: Profile
) -> Iterator[ApiClient]:
    """The worker's one client: a pooled session, explicit timeouts, closed at the end."""
    from client import ApiClient, build_session

    config = request.config
    timeouts = Timeouts(
        connect=get_option(config, "api_connect_timeout"),
        read=get_option(config, "api_timeout", api_profile.timeout),
        deadline=get_option(config, "api_deadline", api_profile.deadline),
    )
    session = build_session(pool_size=10, trust_env=get_option(config, "api_trust_env"))
    headers = {"User-Agent": f"api-bdd (worker {worker_id(config)})"}
    client = ApiClient(
        base_url,
        timeouts=timeouts,
        session=session,
        headers=headers,
        retry_policy=retry_policy,
        trusted_origins=api_profile.trusted_origins,
    )
    config.hook.pytest_api_bdd_client_created(client=client)
    yield client
    client.close()


@pytest.fixture(scope="session")
def authenticator(
    request: pytest.FixtureRequest,
    api_client: ApiClient,
    api_profile: Profile,
    api_credentials: Mapping[str, str],
) -> Authenticator:
    """Signs requests in for the profile; tokens are kept per worker until they expire."""
    from client.auth import Authenticator

    config = request.config

    def on_secret(value: str, name: str) -> None:
        announce_secret(config, SecretStr(value), name)

    def on_credential(value: str, name: str) -> None:
        announce_credential(config, value, name)

    credentials = api_credentials
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


class _Kit(NamedTuple):
    api_client: ApiClient
    authenticator: Authenticator
    api_profile: Profile
    live_document_changes: list[dict[str, Any]]  # asked for its report, once per worker
    api_credentials: Mapping[str, str]


_KIT_NAMES = tuple(_Kit._fields)
_KITS = pytest.StashKey[dict[tuple[Any, ...], _Kit]]()


def _kit(request: pytest.FixtureRequest) -> _Kit:
    """The fixtures a scenario's context is built from, as this scenario sees them.

    pytest walks a fixture's arguments every time a test uses it, cached or not, building a
    fixture for ``request`` at each one that takes it: a ``ctx`` naming these five walked
    their whole tree in every scenario, eight fixtures deep (about 60 us a scenario, measured
    at 1,000). So ``ctx`` asks for them itself: once for each set of definitions the scenarios
    see, when every one of them is session-scoped (a folder's ``conftest.py`` overriding one
    makes a set of its own), and for every scenario otherwise, as pytest would.
    """
    from steps import _bdd  # (pytest's fixture lookup, behind its fence: where tests run)

    definitions = _bdd.active_fixturedefs(request.node, _KIT_NAMES)
    kits = request.config.stash.setdefault(_KITS, {})
    kit = kits.get(definitions)
    if kit is None:
        kit = _Kit(*map(request.getfixturevalue, _KIT_NAMES))
        if all(d is not None and d.scope == "session" for d in definitions):
            kits[definitions] = kit
    return kit


@pytest.fixture
def ctx(request: pytest.FixtureRequest) -> Iterator[Context]:
    """The scenario's context; runs its clean-ups when it ends."""
    from steps.context import Context, finish

    api_client, authenticator, api_profile, _, api_credentials = _kit(request)
    config = request.config
    authenticator.new_scenario()

    def on_secret(value: str, name: str) -> None:
        announce_secret(config, SecretStr(value), name)

    def note(note: dict[str, Any]) -> None:
        config.hook.pytest_api_bdd_step_note(item=request.node, note=note)

    def on_use(reference: str, value: Any, remembered: bool) -> None:
        kind = "remembered" if remembered else "value"
        note({"kind": kind, "name": reference, "value": value})

    variables = Variables(
        api_profile.variables,
        run_id=secrets.token_hex(2),
        on_secret=on_secret,
        secret_names=frozenset(api_profile.secret_variables()),
        credentials=api_credentials,
        on_use=on_use,
    )
    context = Context(
        api_client, authenticator, api_profile, variables, on_secret=on_secret, note=note
    )
    from steps.contracts import model_catalogue  # contracts reads the profile from here

    context.catalogue = lambda: model_catalogue(config)
    context.retries = request.node.get_closest_marker("no-retry") is None
    for check in config.hook.pytest_api_bdd_response_checks(config=config, profile=api_profile):
        context.checks.extend(check)
    yield context
    finish(request, context, get_option(config, "keep_data"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed clean-up is one line with its request and answer, not a fixture's traceback."""
    report = yield
    if call.when == "teardown" and call.excinfo is not None and report.failed:
        from steps.context import CleanupError

        error = call.excinfo.value
        if isinstance(error, CleanupError):
            report.longrepr = f"{type(error).__name__}: {error}"
    return report


__all__ = ["SettingsError", "external_base_url", "profile_of", "worker_id"]
