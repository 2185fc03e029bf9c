"""API profiles: which API a suite runs against, how it authenticates, which features it owns.

Read with ``tomllib`` from ``api-bdd.toml`` (the team's profiles), from
``api-bdd.examples.toml`` (the example suites' profiles, gone after ``make remove-examples``)
and from the ``[tool.api-bdd]`` table of ``pyproject.toml``: the profiles of all are available
(one name in two files is an error naming both). A profile file holds no secret: only the
*names* of the environment variables that do::

    [tool.api-bdd]
    default = "shop"

    [tool.api-bdd.profiles.shop]
    base_url = "embedded:shop"     # started on loopback by the plugin that serves "shop"
    features = ["features/shop"]
    models = "models"              # the module the "matches the "X" model" step looks in
    steps = "steps.shop"           # its domain steps' package (default: steps/NAME/, if any)
    auth = { scheme = "oauth2-password", token_url = "/auth/token" }

``base_url`` is ``http(s)://host[:port][/path]`` or ``embedded:NAME``; ``--base-url`` (or
``PYTEST_BASE_URL``) overrides it. Auth schemes: ``none``, ``bearer``, ``basic``, ``api-key``,
``oauth2-password``, ``oauth2-client-credentials`` (see :mod:`client.auth`).

The tables are read by hand rather than through pydantic-settings' TOML sources (which did no
more than this: read the file, take the table, match ``default`` and ``profiles`` whatever their
case): importing pydantic-settings cost every pytest process, each xdist worker included, about
25 ms of start-up (issue 19).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from client._urls import check_origin

EMBEDDED_PREFIX = "embedded:"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 §5.6.2: a header name


class ProfileError(ValueError):
    """The profile file is wrong, or names a profile that does not exist: one line."""


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoAuth(_Config):
    scheme: Literal["none"] = "none"


class BearerAuth(_Config):
    """A pre-issued bearer token from the environment."""

    scheme: Literal["bearer"]
    token_env: str = "API_TOKEN"


class BasicAuth(_Config):
    """HTTP Basic (RFC 7617) with a user name and password from the environment."""

    scheme: Literal["basic"]
    username_env: str = "API_USERNAME"
    password_env: str = "API_PASSWORD"


class ApiKeyAuth(_Config):
    """An API key sent in one place: a named header (the default), or instead a named query
    parameter or a named cookie. Naming more than one place is an error: a key sent twice, or
    silently once, is not what the profile says."""

    scheme: Literal["api-key"]
    key_env: str = "API_KEY"
    header: str | None = "X-API-Key"
    query: str | None = None
    cookie: str | None = None

    @model_validator(mode="after")
    def _one_place(self) -> ApiKeyAuth:
        places = [
            f"the {kind} {getattr(self, kind)!r}"
            for kind in ("query", "cookie")
            if getattr(self, kind)
        ]
        if self.header and "header" in self.model_fields_set:
            places.insert(0, f"the header {self.header!r}")
        if len(places) > 1:
            raise ValueError(
                f"the key goes in one place, not {' and '.join(places)}:"
                " keep one of header, query and cookie"
            )
        return self


class _TokenGrant(_Config):
    token_url: str = "/oauth/token"
    scope: str | None = None
    # a fresh sign-in for every scenario (the shop's way); otherwise one token per worker,
    # reused until it expires
    fresh_per_scenario: bool = False
    # seconds before ``expires_in`` runs out at which a reused token is renewed
    renew_margin: float = 30.0


class PasswordGrant(_TokenGrant):
    """OAuth2 resource owner password grant (RFC 6749 §4.3)."""

    scheme: Literal["oauth2-password"]
    username_env: str = "API_USERNAME"
    password_env: str = "API_PASSWORD"
    # a pre-issued token used instead of signing in, when this variable is set
    token_env: str | None = "API_TOKEN"


class ClientCredentialsGrant(_TokenGrant):
    """OAuth2 client credentials grant (RFC 6749 §4.4)."""

    scheme: Literal["oauth2-client-credentials"]
    client_id_env: str = "API_CLIENT_ID"
    client_secret_env: str = "API_CLIENT_SECRET"
    # "basic": client id and secret as HTTP Basic (RFC 6749 §2.3.1's preferred way); "body": as
    # form fields
    client_auth: Literal["basic", "body"] = "basic"


AuthConfig = Annotated[
    NoAuth | BearerAuth | BasicAuth | ApiKeyAuth | PasswordGrant | ClientCredentialsGrant,
    Field(discriminator="scheme"),
]


class Profile(_Config):
    """One API under test."""

    name: str = ""
    description: str = ""
    base_url: str
    features: tuple[str, ...] = ()
    auth: AuthConfig = Field(default_factory=NoAuth)
    models: str | None = None
    # the package of the profile's domain steps; None: ``steps/<name>/`` when there is one
    steps: str | None = None
    openapi: str | None = None
    # a JSON Schema file (JSON or YAML) whose schemas are models by name: see models.schemas
    json_schema: str | None = None
    # where the running API serves its document (``/openapi.json``): compared with ``openapi``,
    # and what changed is listed in the living docs
    openapi_live: str | None = None
    conformance: Literal["fail", "warn", "off"] | None = None
    variables: dict[str, str] = Field(default_factory=dict)
    implicit: bool = False  # made up because the project has no profile: needs --base-url
    defined_in: str = ""  # the file that defines it (set when it is read, for messages)
    timeout: float | None = Field(default=None, gt=0)
    deadline: float | None = Field(default=None, gt=0)
    retries: int | None = Field(default=None, ge=0)
    # origins besides the base URL's that may receive the profile's credentials (an identity
    # provider, a second host of the same API); empty: only the base URL's origin
    trusted_origins: tuple[str, ...] = ()
    # the header the API honours as an idempotency key ("Idempotency-Key"); None: it declares
    # none, so a POST or PATCH that may have reached the server is never retried
    idempotency_key: str | None = None

    @field_validator("trusted_origins")
    @classmethod
    def _trusted_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_origin(origin) for origin in value)

    @field_validator("idempotency_key")
    @classmethod
    def _idempotency_key(cls, value: str | None) -> str | None:
        if value is not None and not _TOKEN.fullmatch(value):
            raise ValueError(f"{value!r} is not an HTTP header name")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if value.startswith(EMBEDDED_PREFIX):
            if not value.removeprefix(EMBEDDED_PREFIX):
                raise ValueError("embedded: needs the name of the API, e.g. embedded:shop")
            return value
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be http(s)://host[:port][/path] or embedded:NAME")
        return value.rstrip("/")

    @property
    def embedded(self) -> str | None:
        """The embedded API's name (``embedded:shop`` -> ``shop``), or None for a URL."""
        if self.base_url.startswith(EMBEDDED_PREFIX):
            return self.base_url.removeprefix(EMBEDDED_PREFIX)
        return None

    @property
    def table(self) -> str:
        """Where to add a setting: ``[tool.api-bdd.profiles.NAME] in pyproject.toml``."""
        where = self.defined_in or "pyproject.toml"
        return f"[{_prefix(where)}profiles.{self.name}] in {where}"

    def secret_variables(self) -> list[str]:
        """The environment variables this profile reads secrets from."""
        auth = self.auth
        names: list[str | None] = []
        if isinstance(auth, BearerAuth):
            names = [auth.token_env]
        elif isinstance(auth, BasicAuth):
            names = [auth.password_env]
        elif isinstance(auth, ApiKeyAuth):
            names = [auth.key_env]
        elif isinstance(auth, PasswordGrant):
            names = [auth.password_env, auth.token_env]
        elif isinstance(auth, ClientCredentialsGrant):
            names = [auth.client_secret_env]
        return [n for n in names if n]


class Profiles(_Config):
    """Every profile of the project, and the default one."""

    default: str
    profiles: dict[str, Profile]
    source: str = ""

    def get(self, name: str | None) -> Profile:
        chosen = name or self.default
        if chosen not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ProfileError(f"no API profile {chosen!r} in {self.source} (profiles: {known})")
        return self.profiles[chosen]

    def owner_of(self, path: Path, root: Path) -> list[str]:
        """The profiles whose feature folders hold ``path``."""
        resolved = path.resolve()
        return [
            name
            for name, profile in sorted(self.profiles.items())
            for folder in profile.features
            if resolved.is_relative_to((root / folder).resolve())
        ]


# the files of profiles, in the order their defaults count: the team's, the examples', then
# pyproject.toml's [tool.api-bdd] table (a project that keeps everything in one file)
TEAM_FILE = "api-bdd.toml"
EXAMPLES_FILE = "api-bdd.examples.toml"
_OWN_FILES = (TEAM_FILE, EXAMPLES_FILE)


def _prefix(source: str) -> str:
    return "" if source in _OWN_FILES else "tool.api-bdd."


def _describe(err: ValidationError, source: str, profile: str) -> str:
    first = err.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    return f"{source}: [{_prefix(source)}profiles.{profile}] {where}: {first['msg']}"


_HEADER = ("tool", "api-bdd")
_KEYS = ("default", "profiles")


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _table(data: dict[str, Any], header: tuple[str, ...], source: str) -> dict[str, Any]:
    """The table under ``header`` of a TOML file's ``data`` (empty when ``pyproject.toml`` has
    none), its ``default`` and ``profiles`` keys matched whatever their case (the first spelling
    wins), as pydantic-settings' TOML sources read it."""
    table: Any = data
    for key in header:
        if source in _OWN_FILES and key not in table:
            raise ProfileError(f"{source}: has a [tool] table but no [{'.'.join(header)}]")
        table = table.get(key, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise ProfileError(f"{source}: [{'.'.join(header)}] must be a table")
    found: dict[str, Any] = {}
    for key, value in table.items():
        name = key.lower()
        if name not in _KEYS:
            found[key] = value
        elif name not in found:
            found[name] = value
    return found


def _tables(root: Path) -> list[tuple[dict[str, Any], str]]:
    """The ``[tool.api-bdd]`` tables of ``api-bdd.toml``, ``api-bdd.examples.toml`` then
    ``pyproject.toml``, those present. An own file holds its tables at the top
    (``[profiles.NAME]``) or under ``[tool.api-bdd]`` as in ``pyproject.toml``."""
    found: list[tuple[dict[str, Any], str]] = []
    for name in (*_OWN_FILES, "pyproject.toml"):
        path = root / name
        if not path.is_file():
            continue
        data = _load(path)
        header = _HEADER if name == "pyproject.toml" or "tool" in data else ()
        found.append((_table(data, header, name), name))
    return found


def _read(table: dict[str, Any], source: str) -> dict[str, Profile]:
    raw_profiles = table.get("profiles") or {}
    if not isinstance(raw_profiles, dict):
        raise ProfileError(f"{source}: [{_prefix(source)}profiles] must be a table of profiles")
    profiles: dict[str, Profile] = {}
    for name, body in raw_profiles.items():
        if not isinstance(body, dict):
            raise ProfileError(f"{source}: [{_prefix(source)}profiles.{name}] must be a table")
        try:
            profiles[name] = Profile.model_validate({**body, "name": name, "defined_in": source})
        except ValidationError as err:
            raise ProfileError(_describe(err, source, name)) from None
    return profiles


def _combine(tables: list[tuple[dict[str, Any], str]]) -> tuple[dict[str, Profile], str, str]:
    """Every file's profiles in one table (a name in two files is an error), the default
    (``api-bdd.toml``'s first) and where it was said."""
    profiles: dict[str, Profile] = {}
    origin: dict[str, str] = {}
    default, said = "", ""
    for table, source in tables:
        for name, profile in _read(table, source).items():
            if name in profiles:
                raise ProfileError(
                    f"profile {name!r} is defined in both {origin[name]}"
                    f" ([{_prefix(origin[name])}profiles.{name}]) and {source}"
                    f" ([{_prefix(source)}profiles.{name}]): keep one of them"
                )
            profiles[name], origin[name] = profile, source
        if not default and table.get("default"):
            default, said = str(table["default"]), source
    return profiles, default, said


def load_profiles(root: Path) -> Profiles:
    """Read the profiles under ``root``; :class:`ProfileError` says what is wrong in one line.

    The profiles of ``api-bdd.toml``, ``api-bdd.examples.toml`` and of ``pyproject.toml``'s
    ``[tool.api-bdd]`` are all available; one name in two files is an error. The default is the
    one ``api-bdd.toml`` names, else the examples', else ``pyproject.toml``'s, else the first
    profile. A project without any profile
    gets one, ``default``, whose base URL must come from ``--base-url`` and whose features are
    under ``features/``.
    """
    try:
        tables = _tables(root)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ProfileError(f"cannot read the API profiles in {root}: {err}") from None
    profiles, default, said = _combine(tables)
    source = " and ".join(name for _, name in tables) or "pyproject.toml"
    if not profiles:  # no profile: the features/ folder, against the base URL given
        implicit = {"base_url": "http://127.0.0.1", "features": ["features"], "implicit": True}
        profiles = {"default": Profile.model_validate({**implicit, "name": "default"})}
    default = default or next(iter(profiles))
    if default not in profiles:
        table = f" [{_prefix(said)[:-1]}]" if _prefix(said) else ""
        raise ProfileError(f"{said}:{table} default = {default!r} is not a profile")
    return Profiles(default=default, profiles=profiles, source=source)


def run_arguments(profiles: Profiles) -> list[str]:
    """The pytest arguments that run each profile's features, the default first: its living
    docs in ``reports/living-docs.html``, another's in ``reports/NAME/living-docs.html``."""
    names = [profiles.default, *(n for n in profiles.profiles if n != profiles.default)]
    return [
        f"--api {name}" + ("" if name == profiles.default else f" --living-docs {_docs(name)}")
        for name in names
    ]


def _docs(name: str) -> str:
    return f"reports/{name}/living-docs.html"


if __name__ == "__main__":  # `make features`: one line of pytest arguments per profile
    try:
        print("\n".join(run_arguments(load_profiles(Path.cwd()))))
    except ProfileError as err:
        raise SystemExit(f"api-bdd: {err}") from None
