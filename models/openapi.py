"""Conformance: is a response what the OpenAPI document declares for its operation?

One check per response: the operation exists, the status is declared (exactly, as ``4XX`` or as
``default``), the content type is declared for it, required headers are present and the body
matches the schema. openapi-core does the finding (paths, responses, media types) and compiles
the schema validators, once per operation, status and media type; later responses reuse them.

Violations name the operation, a JSON pointer into the body and a reason built from the schema
(``expected type integer``, ``missing required property 'total'``), never from the response:
validator messages echo values (``'sk_live_...' is not of type 'integer'``) and a response may
carry secrets. Modes: ``fail`` raises :class:`ConformanceError` (an ``AssertionError``, so a
step fails), ``warn`` emits a :class:`ConformanceWarning`, ``off`` checks nothing.
"""

from __future__ import annotations

import json
import urllib.request
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol
from urllib.parse import urlsplit

import yaml  # type: ignore[import-untyped]  # pyyaml ships no types; its stubs are not locked
from jsonschema_path import SchemaPath
from openapi_core import OpenAPI
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.media_types.finders import MediaTypeFinder
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.templating.responses.finders import ResponseFinder
from openapi_core.validation.schemas import (
    oas30_read_schema_validators_factory,
    oas31_schema_validators_factory,
)

from client._shapes import redact_shapes


class DocumentError(ValueError):
    """An OpenAPI document could not be read, or is not one."""


_MESSAGE_LIMIT = 160  # a validator message quotes the offending part: keep the line short


def load_document(source: str, root: Path | None = None, base_url: str = "") -> dict[str, Any]:
    """An OpenAPI document, YAML or JSON, from an http(s) URL, a URL path on ``base_url``
    (``/openapi.json``) or a file (relative to ``root``, default the current directory).

    An absolute path is a file when it names one, or when its folder exists on this machine
    (``/home/me/petstore.yaml``): only a path that can be nothing but the API's is fetched.
    """
    if _is_api_path(source) and base_url.startswith(("http://", "https://")):
        source = base_url.rstrip("/") + source
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310
                text = answer.read().decode("utf-8")
        else:
            text = ((root or Path.cwd()) / source).read_text(encoding="utf-8")
        document = parse_document(text)
    except (OSError, ValueError) as err:
        raise DocumentError(f"cannot read the OpenAPI document {source}: {err}") from None
    if not isinstance(document, dict) or "openapi" not in document:
        raise DocumentError(f"{source} is not an OpenAPI document (no 'openapi' key)")
    return document


def check_document(document: Mapping[str, Any], source: str) -> None:
    """Raise :class:`DocumentError`, one line naming ``source`` and the problem, when
    ``document`` is not valid OpenAPI (as openapi-core would find when it reads it)."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import (
        OpenAPIValidationError,
        ValidatorDetectError,
    )
    from referencing.exceptions import PointerToNowhere, Unresolvable

    try:
        validate(document)
    except ValidatorDetectError:
        version = document.get("openapi")
        problem = f"'openapi': {version!r} is not a version this tool reads (3.0, 3.1 or 3.2)"
    except OpenAPIValidationError as err:
        problem = _spec_problem(err)
    except PointerToNowhere as err:
        problem = f"$ref '#{err.ref}' points to nothing in the document"
    except Unresolvable as err:
        problem = f"$ref '{err.ref}' cannot be resolved"
    else:
        return
    raise DocumentError(f"{source} is not valid OpenAPI: {problem}")


def _spec_problem(error: Any) -> str:
    """``/paths/~1a/get/parameters/0: 'in' is a required property``: the deepest of the
    alternatives a ``oneOf`` tried (the one that came closest), on one short line."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), "'$ref'" not in e.message))
    # the validator quotes the offending value: a credential in the document is masked by shape
    message = redact_shapes(" ".join(str(error.message).split()))
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "…"
    pointer = _pointer(error)
    return f"at {pointer}: {message}" if pointer else message


def _is_api_path(source: str) -> bool:
    if not source.startswith("/"):
        return False
    path = Path(source)
    return not (path.is_file() or (path.parent != Path(path.anchor) and path.parent.is_dir()))


def parse_document(text: str) -> Any:
    """A document's text as JSON, or else as YAML (ValueError saying where it is wrong).

    YAML's keys become strings (``200:`` is the status ``"200"``, as in JSON) and its dates
    stay the text they were written as.
    """
    try:
        return json.loads(text)
    except ValueError as json_error:
        if text.lstrip().startswith(("{", "[")):
            raise  # JSON by its look: its own error says where
        try:
            loaded = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 (a safe loader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or "not YAML"
            raise ValueError(f"neither JSON nor YAML: {problem}{where}") from json_error
        return _json_like(loaded, [len(text) + _ALIAS_ALLOWANCE], set())


_ALIAS_ALLOWANCE = 100_000  # values YAML aliases may add beyond what the text itself could hold


class _YamlLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
    """The safe loader without timestamps: ``2026-01-01`` stays text, as in JSON."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _json_like(value: Any, budget: list[int], open_: set[int]) -> Any:
    """YAML's data as JSON's. Aliases are copied where they stand, within ``budget`` values
    (a document of nested aliases, "billion laughs", would otherwise fill the memory), and an
    alias inside its own anchor (``&a [*a]``) is refused: JSON has no loops."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("YAML aliases expand to more values than the document could hold")
    if not isinstance(value, (dict, list)):
        return value
    if id(value) in open_:
        raise ValueError("a YAML alias refers to its own anchor (a loop)")
    open_.add(id(value))
    try:
        if isinstance(value, dict):
            return {str(k): _json_like(v, budget, open_) for k, v in value.items()}
        return [_json_like(item, budget, open_) for item in value]
    finally:
        open_.discard(id(value))


def dump_document(document: Mapping[str, Any]) -> str:
    """The committed form of a document: indented JSON, keys in the API's order."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


Mode = Literal["fail", "warn", "off"]
MODES: tuple[Mode, ...] = ("fail", "warn", "off")
_FAR_LIMIT = 5  # violations listed in one message
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Violation:
    """One way a response departs from its operation.

    ``pointer``: RFC 6901 into the body; ``""`` when the reason is about the whole answer (its
    status, content type, headers, or the body's top level).
    """

    operation: str
    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.located}"

    @property
    def located(self) -> str:
        """``/items/1/price: reason``, or the reason alone when it is about the whole answer."""
        return f"{self.pointer}: {self.reason}" if self.pointer else self.reason


class ConformanceError(AssertionError):
    """A response does not conform to the document; the message never holds response values."""

    def __init__(self, where: str, violations: list[Violation]) -> None:
        self.violations = violations
        listed = "; ".join(v.located for v in violations[:_FAR_LIMIT])
        more = f" (and {len(violations) - _FAR_LIMIT} more)" if len(violations) > _FAR_LIMIT else ""
        super().__init__(
            f"{where}: response does not conform to {violations[0].operation}: {listed}{more}"
        )


class ConformanceWarning(UserWarning):
    """A response does not conform to the document, and the mode is ``warn``."""


class Response(Protocol):
    """What :meth:`Conformance.verify` reads: ``client.Exchange`` has these."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...
    def describe(self) -> str: ...


class SchemaError(Protocol):
    """What is read of a jsonschema ``ValidationError`` (its ``message`` echoes values)."""

    validator: str
    validator_value: Any
    instance: Any
    schema: Any
    absolute_path: Any


@dataclass(frozen=True)
class _Declared:
    """A response as the document declares it for one status, ready to check against."""

    operation: str
    media: Mapping[str, Any]  # declared media type -> compiled validator (None: any body)
    required_headers: tuple[str, ...]
    finder: MediaTypeFinder | None


class Operations:
    """The document's operations, found by method and URL with openapi-core's path finder.

    ``base_path``: the path prefix of the base URL the API is served under (``/api/v1``),
    stripped before the path is matched (``""``: none). Lookups are cached by method and path.
    """

    def __init__(self, document: Mapping[str, Any], base_path: str = "") -> None:
        self.document = document
        self.base_path = base_path.rstrip("/")
        # Paths are matched on the request's path, less base_path: the document's servers
        # (another host, a staging URL) would only stand in the way.
        self.api = OpenAPI.from_dict({**document, "servers": [{"url": "/"}]})
        self._finder = APICallPathFinder(self.api.spec, base_url="/")
        self.find = lru_cache(maxsize=4096)(self._find)

    def path(self, url: str) -> str:
        path = urlsplit(url).path or "/"
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :] or "/"
        return path

    def _find(self, method: str, path: str) -> tuple[str, SchemaPath] | None:
        """``(path template, operation)`` for ``method`` (lower case) and ``path``."""
        try:
            found = self._finder.find(method, path)
        except PathError:
            return None
        return found.path_result.pattern, found.operation

    def declared(self) -> Iterator[tuple[str, str]]:
        """Every ``(operation, status key)`` the document declares, in its order."""
        for template, item in self.document.get("paths", {}).items():
            for method, operation in item.items():
                if method in METHODS:
                    for status in operation.get("responses", {}):
                        yield f"{method.upper()} {template}", str(status)


def status_key(status: int, declared: Iterable[str]) -> str | None:
    """The response key ``status`` falls under: itself, its range (``4XX``) or ``default``."""
    keys = set(declared)
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in keys:
            return key
    return None


class Conformance:
    """Checks responses against ``document`` (a parsed OpenAPI 3.0 or 3.1 document).

    ``mode``: see the module docstring. ``base_path``: see :class:`Operations`.
    """

    def __init__(self, document: Mapping[str, Any], mode: Mode = "fail", base_path: str = ""):
        if mode not in MODES:
            raise ValueError(f"conformance mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.operations = Operations(document, base_path)
        version = str(document.get("openapi", "3.1"))
        self._factory = (
            oas30_read_schema_validators_factory
            if version.startswith("3.0")
            else oas31_schema_validators_factory
        )
        self._declared: dict[tuple[str, str, int], _Declared | Violation] = {}

    # -- the public checks ------------------------------------------------------------------
    def check(
        self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[Violation]:
        """Every violation of ``method url -> status`` (an empty list when it conforms)."""
        if self.mode == "off":
            return []
        path = self.operations.path(url)
        found = self.operations.find(method.lower(), path)
        if found is None:
            return [Violation(f"{method.upper()} {path}", "", "no such operation in the document")]
        template, operation = found
        declared = self._declared_for(method, template, operation, status)
        if isinstance(declared, Violation):
            return [declared]
        lowered = {k.lower(): v for k, v in headers.items()}
        missing = [
            Violation(declared.operation, "", f"required header {name} is missing")
            for name in declared.required_headers
            if name.lower() not in lowered
        ]
        return missing + list(self._body_violations(declared, lowered.get("content-type"), body))

    def verify(self, response: Response) -> None:
        """Check an exchange and act on the mode: raise (fail), warn, or nothing (off).

        Fits ``ApiClient.add_listener``: every exchange the client makes is then checked. An
        exchange without a response (status 0: the request failed) has nothing to check.
        """
        if not response.status:
            return
        violations = self.check(
            response.method, response.url, response.status, response.headers, response.body
        )
        if not violations:
            return
        error = ConformanceError(response.describe(), violations)
        if self.mode == "fail":
            raise error
        warnings.warn(ConformanceWarning(str(error)), stacklevel=2)

    # -- finding what is declared, once -----------------------------------------------------
    def _declared_for(
        self, method: str, template: str, operation: SchemaPath, status: int
    ) -> _Declared | Violation:
        key = (method.upper(), template, status)
        if key not in self._declared:
            self._declared[key] = self._compile(f"{method.upper()} {template}", operation, status)
        return self._declared[key]

    def _compile(self, name: str, operation: SchemaPath, status: int) -> _Declared | Violation:
        try:
            response = ResponseFinder(operation / "responses").find(str(status))
        except ResponseNotFound:
            return Violation(name, "", f"status {status} is not declared")
        headers = response / "headers" if "headers" in response else None
        required = tuple(
            header
            for header, spec in (headers.str_items() if headers is not None else ())
            if (spec / "required").read_bool(default=False) and header.lower() != "content-type"
        )
        if "content" not in response:
            return _Declared(name, {}, required, None)
        content = response / "content"
        media = {
            media_type: (
                self._factory.create(self.operations.api.spec, spec / "schema").validator
                if "schema" in spec
                else None
            )
            for media_type, spec in content.str_items()
        }
        return _Declared(name, media, required, MediaTypeFinder(content))

    # -- the body ---------------------------------------------------------------------------
    def _body_violations(
        self, declared: _Declared, content_type: str | None, body: bytes
    ) -> Iterator[Violation]:
        if declared.finder is None:
            if body:
                yield Violation(declared.operation, "", "a body where none is declared")
            return
        try:
            media_type = declared.finder.find(content_type or "").mime_type
        except MediaTypeNotFound:
            shown = (content_type or "none").split(";")[0]
            allowed = ", ".join(declared.media)
            yield Violation(declared.operation, "", f"content type {shown} is not {allowed}")
            return
        validator = declared.media.get(media_type)
        if validator is None:
            return
        try:
            value = json.loads(body)
        except ValueError:
            yield Violation(declared.operation, "", f"the body is not valid JSON ({media_type})")
            return
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        for error in errors:
            yield Violation(declared.operation, _pointer(error), reason(error))


def _pointer(error: SchemaError) -> str:
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in error.absolute_path
    )


def reason(error: SchemaError) -> str:
    """Why ``error`` failed, from the schema and the instance's shape, never its value."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "type":
        return f"expected type {_or(expected)}, got {_json_type(instance)}"
    if keyword == "required":
        missing = sorted(set(expected) - set(instance)) if isinstance(instance, dict) else []
        return "missing required " + ", ".join(f"property {name!r}" for name in missing)
    if keyword == "additionalProperties":
        return "unexpected " + ", ".join(f"property {n!r}" for n in _extra(error))
    if keyword in {"enum", "const"}:
        allowed = expected if keyword == "enum" else [expected]
        return f"not one of the allowed values {json.dumps(allowed)}"
    if keyword == "pattern":
        return f"does not match the pattern {expected}"
    if keyword == "format":
        return f"not a valid {expected}"
    if keyword in {"anyOf", "oneOf"}:
        return f"matches {'none' if keyword == 'anyOf' else 'not exactly one'} of its schemas"
    return f"fails {keyword} {json.dumps(expected) if _is_small(expected) else ''}".rstrip()


def _extra(error: SchemaError) -> list[str]:
    instance, schema = error.instance, error.schema
    if not isinstance(instance, dict) or not isinstance(schema, Mapping):
        return []
    declared = set(schema.get("properties", {}))
    return sorted(name for name in instance if name not in declared)


def _or(expected: Any) -> str:
    return " or ".join(expected) if isinstance(expected, list) else str(expected)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer" if isinstance(value, int) else "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)


def _is_small(value: Any) -> bool:
    return isinstance(value, int | float | bool) or (isinstance(value, str) and len(value) < 40)
