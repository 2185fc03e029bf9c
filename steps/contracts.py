"""The profile's OpenAPI document at work: every response checked, operation coverage kept.

When the profile names a document (``openapi = "models/shop.openapi.json"``, a file in JSON
or YAML, an http(s) URL, or a path on the API such as ``/openapi.json``), it is read once at
configure time (a bad one is one ``ERROR:`` line; generated models made from another version
of it are one warning line), its schemas become models steps can name (with a JSON Schema
file's, see :func:`model_catalogue`), it is handed to the reporting side for operation coverage
(``pytest_api_bdd_openapi_document``), and every response a scenario receives is checked
against its operation by :class:`models.openapi.Conformance` (compiled once per operation and
status) in the mode ``--conformance`` or the profile says: ``fail`` (the default), ``warn``,
``off``. Server errors (5xx) are left to the step that expected an answer.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import pytest

from client import ApiClientError, Exchange
from client.profiles import Profile
from steps.fixtures import profile_of
from steps.options import get_option

if TYPE_CHECKING:  # openapi-core is imported only for a profile that names a document
    from models.openapi import Mode
    from models.schemas import ModelCatalogue, SchemaModel

DOCUMENT = pytest.StashKey[dict[str, Any]]()
_SCHEMAS = pytest.StashKey[dict[str, "SchemaModel"]]()
_CATALOGUE = pytest.StashKey["ModelCatalogue"]()
_CONFORMANCE = pytest.StashKey[Any]()  # the models.openapi.Conformance of the run


def base_path(profile: Profile) -> str:
    """The path the API's operations hang under (``/api`` of ``https://host/api``)."""
    return "" if profile.embedded else urlsplit(profile.base_url).path.rstrip("/")


def pytest_configure(config: pytest.Config) -> None:
    profile = profile_of(config)
    schemas: dict[str, SchemaModel] = {}
    if profile.json_schema:
        schemas.update(_json_schemas(config.rootpath, profile))
    if profile.openapi:
        document = _document(config, profile)
        from models.schemas import openapi_schemas

        for name, model in openapi_schemas(document, profile.openapi).items():
            schemas.setdefault(name, model)  # a name in both: the JSON Schema file's
    config.stash[_SCHEMAS] = schemas


def _document(config: pytest.Config, profile: Profile) -> dict[str, Any]:
    from models.freshness import stale_models
    from models.openapi import DocumentError, check_document, load_document

    assert profile.openapi is not None
    base_url = "" if profile.embedded else profile.base_url
    try:
        document = load_document(profile.openapi, root=config.rootpath, base_url=base_url)
        check_document(document, profile.openapi)
    except DocumentError as err:
        raise pytest.UsageError(f"api-bdd: profile {profile.name}: {err}") from None
    config.stash[DOCUMENT] = document
    config.hook.pytest_api_bdd_openapi_document.call_historic(
        kwargs={"config": config, "document": document, "base_path": base_path(profile)}
    )
    stale = stale_models(profile, document, config.rootpath)
    if stale is not None:
        config.issue_config_time_warning(pytest.PytestWarning(f"api-bdd: {stale}"), stacklevel=2)
    return document


def _json_schemas(root: Path, profile: Profile) -> dict[str, SchemaModel]:
    from models.openapi import DocumentError
    from models.schemas import json_schema_file

    assert profile.json_schema is not None
    try:
        return json_schema_file(root / profile.json_schema, profile.json_schema)
    except DocumentError as err:
        raise pytest.UsageError(f"api-bdd: profile {profile.name}: {err}") from None


def model_catalogue(config: pytest.Config) -> ModelCatalogue:
    """The models steps may name: the profile's module's classes, then the schemas of its
    JSON Schema file and of its OpenAPI document (built once per process)."""
    if _CATALOGUE not in config.stash:
        from models.schemas import ModelCatalogue

        name = profile_of(config).models
        try:
            module = importlib.import_module(name) if name else None
        except ImportError:
            module = None
        schemas: dict[str, SchemaModel] = config.stash.get(_SCHEMAS, {})
        config.stash[_CATALOGUE] = ModelCatalogue(module, schemas)
    return config.stash[_CATALOGUE]


@pytest.fixture(scope="session")
def live_document_changes(
    request: pytest.FixtureRequest, base_url: str, api_profile: Profile
) -> list[dict[str, Any]]:
    """Once per worker: the running API's document (``openapi_live``) against the profile's.

    Read through a client of its own (retries and all, but no listener: it is nobody's step
    evidence); a document the API does not serve is a warning, not a failure.
    """
    config = request.config
    committed = config.stash.get(DOCUMENT, None)
    if committed is None or not api_profile.openapi_live:
        return []
    from models.breaking import compare
    from models.openapi import DocumentError

    try:
        live = _fetch_document(base_url, api_profile.openapi_live)
    except (ApiClientError, DocumentError) as err:
        warnings.warn(
            pytest.PytestWarning(f"api-bdd: no breaking-change report: {err}"), stacklevel=1
        )
        return []
    changes = [change.to_dict() for change in compare(committed, live)]
    config.hook.pytest_api_bdd_document_changes(config=config, changes=changes)
    return changes


def _fetch_document(base_url: str, where: str) -> dict[str, Any]:
    from client import ApiClient  # the HTTP client loads when a worker reads the document
    from models.openapi import DocumentError, load_document, parse_document

    if where.startswith(("http://", "https://")):
        return load_document(where)
    client = ApiClient(base_url)
    try:
        answer = client.get(where)
    finally:
        client.close()
    if answer.status != 200:
        raise DocumentError(f"{answer.describe()}: no OpenAPI document there")
    try:
        document = parse_document(answer.body.decode("utf-8"))
    except ValueError as err:
        raise DocumentError(f"{answer.describe()}: {err}") from None
    if not isinstance(document, dict) or "openapi" not in document:
        raise DocumentError(f"{answer.describe()}: not an OpenAPI document")
    return document


def pytest_api_bdd_response_checks(
    config: pytest.Config, profile: Profile
) -> list[Callable[[Exchange], None]]:
    document = config.stash.get(DOCUMENT, None)
    mode = cast("Mode", get_option(config, "api_conformance", profile.conformance) or "fail")
    if document is None or mode == "off":
        return []
    if _CONFORMANCE not in config.stash:
        from models.openapi import Conformance

        config.stash[_CONFORMANCE] = Conformance(document, mode, base_path(profile))
    conformance = config.stash[_CONFORMANCE]

    def check(exchange: Exchange) -> None:
        # a 5xx is the API failing, not answering: the step says "-> 500, expected 201" with
        # the problem's detail, which tells more than "status 500 is not declared"
        if exchange.status < 500:
            conformance.verify(exchange)

    return [check]
