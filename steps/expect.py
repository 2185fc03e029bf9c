"""Expectations on an exchange, each failing with one line that says what came back.

Non-JSON answers (HTML, XML, plain text, an empty body) never crash a check: the message says
what the body was instead. Field paths are JMESPath expressions (``items[0].id``,
``length(items)``, ``items[?stock > `0`].name``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, overload

from client import Exchange
from models import StrictModel, parse
from models.schemas import SchemaModel

if TYPE_CHECKING:
    import jmespath.parser

M = TypeVar("M", bound=StrictModel)
_MISSING = object()


def _tries(exchange: Exchange) -> str:
    if not exchange.retried:
        return ""
    outcomes = ", ".join(a.outcome for a in exchange.attempts)
    return f" (after {len(exchange.attempts)} attempts: {outcomes})"


def _detail(exchange: Exchange) -> str:
    if "json" not in exchange.content_type:
        return ""
    try:
        body = exchange.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return f": {body['detail']}"
    return ""


def expect_status(exchange: Exchange, *expected: int) -> None:
    """Assert the status, saying what came back (the problem ``detail`` when there is one).

    A DELETE whose earlier attempt was sent without a known outcome and whose retry found
    nothing (404) counts as the 2xx it was: the first attempt did the work.
    """
    __tracebackhide__ = True
    if exchange.status in expected:
        return
    if exchange.applied_by_earlier_attempt and any(200 <= s < 300 for s in expected):
        return
    wanted = " or ".join(str(s) for s in expected)
    raise AssertionError(
        f"{exchange.describe()}, expected {wanted}{_detail(exchange)}{_tries(exchange)}"
    )


def describe_body(exchange: Exchange) -> str:
    """What the body is, for a message: its content type and size, never its text."""
    size = len(exchange.body)
    kind = exchange.content_type or "no content type"
    return "an empty body" if size == 0 else f"a {kind} body of {size} bytes"


def json_body(exchange: Exchange) -> Any:
    """The body as JSON, or AssertionError saying what it was instead."""
    __tracebackhide__ = True
    try:
        return json.loads(exchange.body)
    except ValueError:
        raise AssertionError(
            f"{exchange.describe()}: expected a JSON body, got {describe_body(exchange)}"
        ) from None


@lru_cache(maxsize=4096)
def compile_path(path: str) -> jmespath.parser.ParsedResult:
    """The compiled JMESPath expression; ValueError with the reason for a bad one."""
    import jmespath  # at the run's first path (the result is cached): not every run has one
    import jmespath.exceptions

    try:
        return jmespath.compile(path)
    except jmespath.exceptions.ParseError as err:
        reason = " ".join(str(err).split()) or "syntax error"
        raise ValueError(f"{path!r} is not a JMESPath expression: {reason}") from None


_INDEX = re.compile(r"^(.*)\[(-?\d+)\]$")


def select(document: Any, path: str) -> Any:
    """The value at ``path``, or ``MISSING`` when a plain field path names an absent key or an
    index past the end of a list.

    For ``a.b[0].c``, a missing ``c`` is told apart from a ``c`` that is null, and ``[0]`` of
    an empty list from a first element that is null; other expressions give null for nothing.
    """
    compiled = compile_path(path)
    head, dot, last = path.rpartition(".")
    if last.isidentifier() and (not dot or head):
        parent = compile_path(head).search(document) if head else document
        if isinstance(parent, dict):
            return parent.get(last, _MISSING)
        if head and parent is None:
            return _MISSING
    indexed = _INDEX.match(path)
    if indexed is not None and not indexed.group(1).endswith((".", "|")):
        within = indexed.group(1)
        parent = compile_path(within).search(document) if within else document
        position = int(indexed.group(2))
        if not isinstance(parent, list) or not -len(parent) <= position < len(parent):
            return _MISSING
    return compiled.search(document)


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "an empty list" if not value else f"a list of {len(value)}"
    if isinstance(value, dict):
        keys = ", ".join(sorted(value)[:8]) + (", ..." if len(value) > 8 else "")
        return f"an object with {keys}" if value else "an empty object"
    return "null" if value is None else f"a {type(value).__name__.replace('str', 'string')}"


def nothing_there(document: Any, path: str) -> str:
    """Why ``path`` selects nothing, said with the shape (never the values) of what holds it:
    ``[0]: nothing there (the body is an empty list)``."""
    indexed = _INDEX.match(path)
    head = indexed.group(1) if indexed is not None else path.rpartition(".")[0]
    parent = compile_path(head).search(document) if head else document
    holder = f"{head} is" if head else "the body is"
    return f"{path}: nothing there ({holder} {_shape(parent)})"


def is_missing(value: Any) -> bool:
    return value is _MISSING


@overload
def expect_model(exchange: Exchange, model: type[M], document: Any = ...) -> M: ...
@overload
def expect_model(exchange: Exchange, model: SchemaModel, document: Any = ...) -> Any: ...
def expect_model(exchange: Exchange, model: type[M] | SchemaModel, document: Any = _MISSING) -> Any:
    """Validate the body (or ``document``, a part of it) against a strict model, or against
    a schema of the profile's OpenAPI document or JSON Schema file."""
    __tracebackhide__ = True
    if document is _MISSING:
        json_body(exchange)  # a non-JSON body is said as such, not as a model error
        body: bytes | str = exchange.body
    else:
        body = json.dumps(document)
    if isinstance(model, SchemaModel):
        return model.check(body, where=exchange.describe())
    return parse(model, body, where=exchange.describe())


def expect_created(exchange: Exchange, model: type[M]) -> tuple[M, dict[str, Any]]:
    """Assert 201 and a body matching ``model``; return it with the JSON that was sent."""
    __tracebackhide__ = True
    expect_status(exchange, 201)
    created = expect_model(exchange, model)
    return created, json.loads(exchange.request_body or b"{}")
