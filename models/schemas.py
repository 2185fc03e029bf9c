"""Models without Python: named schemas of an OpenAPI document or of a JSON Schema file.

A profile without a models module still has models: each schema of its OpenAPI document
(``components.schemas.Pet`` is the model ``Pet``) and each schema of the JSON Schema file it
names (``json_schema = "schemas/pets.json"``: its ``$defs`` or ``definitions`` by name, and the
whole file by its ``title``). A :class:`SchemaModel` validates a JSON value as the schema says
(unknown properties are allowed unless the schema says ``additionalProperties: false``) and
fails with :class:`~models.ContractError`, whose reasons come from the schema, never from the
value. :class:`ModelCatalogue` puts a models module and these schemas behind one lookup, so
the pre-flight can list the names that exist and suggest the closest.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from models._base import ContractError

# openapi-core, jsonschema and referencing (with models.openapi, which imports them) are
# imported where a schema is read or checked: together they cost a tenth of a second at every
# start-up, and a profile that names no OpenAPI document or JSON Schema file never needs them.


class SchemaModel:
    """A schema known by name; ``origin`` says where it is (``petstore.yaml#/.../Pet``).

    Its validator is compiled on first use: a document of hundreds of schemas costs nothing
    for the ones no step names.
    """

    def __init__(self, name: str, origin: str, compile_validator: Callable[[], Any]) -> None:
        self.name = self.__name__ = name
        self.origin = origin
        self._compile = compile_validator
        self._validator: Any = None

    def __repr__(self) -> str:
        return f"SchemaModel({self.name!r}, {self.origin!r})"

    def check(self, body: bytes | str, *, where: str = "") -> Any:
        """The JSON value, or ContractError listing every field that departs from the schema."""
        try:
            value = json.loads(body)
        except ValueError:
            raise ContractError(self.name, [("(root)", "not JSON", "json")], where) from None
        if self._validator is None:
            self._validator = self._compile()
        try:
            errors = sorted(self._validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        except RecursionError:  # {"$ref": "#/$defs/A"} inside A: jsonschema follows it forever
            from models.openapi import DocumentError

            raise DocumentError(
                f"{self.origin}: its $ref chain loops (or the answer nests too deep to check)"
            ) from None
        if errors:
            from models.openapi import reason

            problems = [(_path(e.absolute_path), reason(e), str(e.validator)) for e in errors]
            raise ContractError(self.name, problems, where)
        return value


def _path(parts: Iterable[Any]) -> str:
    """``items[0].name`` (as the pydantic models' messages write it), ``(root)`` for none."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def openapi_schemas(document: Mapping[str, Any], source: str) -> dict[str, SchemaModel]:
    """Every ``components.schemas`` entry of an OpenAPI document, by name."""
    names = list((document.get("components") or {}).get("schemas") or {})
    if not names:
        return {}
    from openapi_core import OpenAPI
    from openapi_core.validation.schemas import (
        oas30_read_schema_validators_factory,
        oas31_schema_validators_factory,
    )

    # the document is checked and indexed on the first validation, not to list the names
    spec = functools.cache(lambda: OpenAPI.from_dict(dict(document)).spec)
    version = str(document.get("openapi", "3.1"))
    factory = (
        oas30_read_schema_validators_factory
        if version.startswith("3.0")
        else oas31_schema_validators_factory
    )

    def model(name: str) -> SchemaModel:
        return SchemaModel(
            name,
            f"{source}#/components/schemas/{name}",
            lambda: factory.create(spec(), spec() / "components" / "schemas" / name).validator,
        )

    return {name: model(name) for name in names}


def json_schema_file(path: Path, shown: str) -> dict[str, SchemaModel]:
    """The schemas of a JSON Schema file (JSON or YAML): its ``$defs``/``definitions`` by name
    and, when it has a ``title``, the whole file by that title."""
    from jsonschema.validators import (  # type: ignore[import-untyped]  # no stubs locked
        Draft202012Validator,
        validator_for,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from models.openapi import DocumentError, parse_document

    try:
        root = parse_document(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DocumentError(f"cannot read the JSON Schema {shown}: {err}") from None
    if not isinstance(root, dict):
        raise DocumentError(f"{shown} is not a JSON Schema (not an object)")
    cls: Any = validator_for(root, default=Draft202012Validator)
    uri = path.resolve().as_uri()
    # the file's own $schema says its draft; 2020-12 when it says none
    resource: Resource[Any] = Resource.from_contents(root, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(uri, resource)

    def model(name: str, pointer: str) -> SchemaModel:
        reference = {"$ref": f"{uri}#{pointer}"}
        return SchemaModel(
            name,
            f"{shown}#{pointer}",
            lambda: cls(reference, registry=registry, format_checker=cls.FORMAT_CHECKER),
        )

    found: dict[str, SchemaModel] = {}
    for key in ("$defs", "definitions"):
        for name in root.get(key) or {}:
            found.setdefault(name, model(name, f"/{key}/{name}"))
    if isinstance(root.get("title"), str) and root["title"] not in found:
        found[root["title"]] = model(root["title"], "")
    return found


@dataclass(frozen=True)
class ModelCatalogue:
    """The models a profile's steps may name: its module's classes, then its schemas."""

    module: ModuleType | None = None
    schemas: Mapping[str, SchemaModel] = field(default_factory=dict)

    def find(self, name: str) -> type[BaseModel] | SchemaModel | None:
        found = getattr(self.module, name, None) if self.module is not None else None
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
        return self.schemas.get(name)

    def names(self) -> list[str]:
        """Every model name, sorted."""
        classes = {
            name
            for name, value in vars(self.module or ModuleType("none")).items()
            if isinstance(value, type) and issubclass(value, BaseModel) and name[0] != "_"
        }
        return sorted(classes | set(self.schemas))

    def unknown(self, name: str) -> str:
        """What to say about a name that is not a model: the names there are, the closest."""
        names = self.names()
        if not names:
            return (
                f"unknown model {name!r}: the profile has no models (name an OpenAPI document"
                " with 'openapi', a JSON Schema file with 'json_schema', or a module with"
                " 'models')"
            )
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")
        return f"unknown model {name!r} (the profile's models: {shown}){suggestion}"
