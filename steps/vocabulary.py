"""The generic HTTP vocabulary: steps that work against any HTTP API, with stable wording.

Every step here is documented in ``docs/writing-features.md`` (a test keeps the two in sync).
Paths of JSON fields are JMESPath (``items[0].id``); values are JSON literals (``"text"``,
``12``, ``true``, ``null``) or ``${variables}``. Each step's mistakes that can be found without
sending anything (bad JSON, an unknown model or marker, a bad path) are found by the pre-flight.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from typing import Any

import pytest

from steps.author import given, then, when
from steps.context import Context, StepUsageError
from steps.expect import (
    compile_path,
    describe_body,
    expect_model,
    expect_status,
    is_missing,
    json_body,
    nothing_there,
    select,
)
from steps.matching import check_markers, mismatches
from steps.registry import PreflightStep, StepRegistry, registry_of
from steps.variables import REFERENCE

# -- pre-flight checks ---------------------------------------------------------------------


def _placeholders(text: str) -> str:
    """``text`` with each ``${...}`` replaced by a JSON-safe stand-in (for checking syntax)."""
    return REFERENCE.sub("0", text)


def _original_index(text: str, position: int) -> int:
    """Where ``position`` of ``_placeholders(text)`` is in ``text`` (each ``${...}`` became one
    character, so later positions shift back by what it was longer)."""
    shift = 0
    for match in REFERENCE.finditer(text):
        start = match.start() - shift  # where its stand-in is in the substituted text
        if start >= position:
            break
        if position == start:
            return match.start()
        shift += len(match.group(0)) - 1
    return position + shift


def _json_problem(text: str, what: str, origin: tuple[int, int] | None = None) -> str | None:
    """Why ``text`` is not JSON, at a line and column of ``text`` as written (``${...}``
    counted as written) or, given ``origin`` (the file line of its first line, and its
    indentation), of the file."""
    try:
        json.loads(_placeholders(text))
    except json.JSONDecodeError as err:
        index = _original_index(text, err.pos)
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        if origin is None:
            return f"{what} is not valid JSON at line {line}, column {column}: {err.msg}"
        line, column = origin[0] + line - 1, origin[1] + column
        return f"{what} is not valid JSON at line {line}, column {column} of the file: {err.msg}"
    return None


def check_json_docstring(found: PreflightStep) -> Iterable[str]:
    if found.docstring is None:
        yield 'this step needs a JSON doc string (between """ lines)'
        return
    problem = _json_problem(found.docstring, "the doc string", found.docstring_origin)
    if problem:
        yield problem
        return
    expected = json.loads(_placeholders(found.docstring))
    yield from check_markers(expected)


def check_path(found: PreflightStep) -> Iterable[str]:
    try:
        compile_path(found.arguments["path"])
    except ValueError as err:
        yield str(err)


def check_value(found: PreflightStep) -> Iterable[str]:
    yield from check_path(found)
    problem = _json_problem(found.arguments["value"], "the value")
    if problem:
        yield problem


def check_path_docstring(found: PreflightStep) -> Iterable[str]:
    yield from check_path(found)
    yield from check_json_docstring(found)


def check_model(found: PreflightStep) -> Iterable[str]:
    if "path" in found.arguments:
        yield from check_path(found)
    if not found.models(found.arguments["model"]):
        yield found.unknown_model(found.arguments["model"])


def check_table(found: PreflightStep) -> Iterable[str]:
    rows = found.datatable
    if not rows:
        yield "this step needs a table of name | value rows"
    elif any(len(row) != 2 for row in rows):
        yield "the table must have two columns: name | value"


def check_regex(found: PreflightStep) -> Iterable[str]:
    try:
        re.compile(REFERENCE.sub("x", found.arguments["pattern"]))  # a ${variable}: its value
    except re.error as err:
        yield f"{found.arguments['pattern']!r} is not a regular expression: {err}"


# -- preparing requests --------------------------------------------------------------------


def _pairs(ctx: Context, datatable: list[list[str]] | None) -> dict[str, str]:
    return {ctx.variables.expand(k): ctx.variables.expand(v) for k, v in datatable or []}


def _table_value(text: str) -> Any:
    """A table cell as JSON when it is a JSON literal (``12``, ``true``, ``"12"``), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@given('the request header "{name}" is "{value}"')
def request_header(ctx: Context, name: str, value: str) -> None:
    """Send this header with the next request."""
    ctx.prepared.headers[name] = ctx.variables.expand(value)


@given("the request headers are:", preflight=check_table)
def request_headers(ctx: Context, datatable: list[list[str]]) -> None:
    """Send these headers (a name | value table) with the next request."""
    ctx.prepared.headers.update(_pairs(ctx, datatable))


@given('the query parameter "{name}" is "{value}"')
def query_parameter(ctx: Context, name: str, value: str) -> None:
    """Add this query parameter to the next request."""
    ctx.prepared.params[name] = ctx.variables.expand(value)


@given("the query parameters are:", preflight=check_table)
def query_parameters(ctx: Context, datatable: list[list[str]]) -> None:
    """Add these query parameters (a name | value table) to the next request."""
    ctx.prepared.params.update(_pairs(ctx, datatable))


@given("I am signed in")
def signed_in(ctx: Context) -> None:
    """Send the profile's credentials from now on (signing in first when its scheme does)."""
    ctx.sign_in()


@given("I am anonymous")
def anonymous(ctx: Context) -> None:
    """Send no credentials from now on."""
    ctx.anonymous()


@given("I use the bearer token {token}")
def use_bearer_token(ctx: Context, token: str) -> None:
    """Send ``Authorization: Bearer`` with this token (usually a ``${variable}``) from now on."""
    ctx.use_token(ctx.variables.expand(token))


@given("the next request is not retried")
def next_request_not_retried(ctx: Context) -> None:
    """Send the next request once, even if it meets a transient failure (to check a 503)."""
    ctx.next_without_retries = True


@given("the variable {name:Name} is {value:Json}", sets="name")
def set_variable(ctx: Context, name: str, value: str) -> None:
    """Set a variable to a JSON value."""
    ctx.variables.set(name, ctx.variables.expand_json(value))


# -- sending -------------------------------------------------------------------------------


@when("I {method:Method} {path:Path}")
def send_request(ctx: Context, method: str, path: str) -> None:
    """Send the request, with what earlier steps prepared."""
    ctx.send(method, ctx.variables.expand(path))


@when("I {method:Method} {path:Path} with JSON:", preflight=check_json_docstring)
def send_json(ctx: Context, method: str, path: str, docstring: str) -> None:
    """Send the doc string as a JSON body."""
    ctx.send(method, ctx.variables.expand(path), json=ctx.variables.expand_json(docstring))


@when("I {method:Method} {path:Path} with the fields:", preflight=check_table)
def send_fields(ctx: Context, method: str, path: str, datatable: list[list[str]]) -> None:
    """Send a JSON object built from a name | value table (cells that are JSON literals keep
    their type: ``12`` is a number, ``"12"`` a string)."""
    body = {k: _table_value(v) for k, v in _pairs(ctx, datatable).items()}
    ctx.send(method, ctx.variables.expand(path), json=body)


@when("I {method:Method} {path:Path} with the form:", preflight=check_table)
def send_form(ctx: Context, method: str, path: str, datatable: list[list[str]]) -> None:
    """Send a name | value table as an ``application/x-www-form-urlencoded`` body."""
    ctx.send(method, ctx.variables.expand(path), data=_pairs(ctx, datatable))


@when("to clean up, I {method:Method} {path:Path}")
def register_cleanup(ctx: Context, method: str, path: str) -> None:
    """Register a request that undoes what the scenario made; clean-ups run last-in first-out
    when the scenario ends, even when it failed (``--keep-data`` skips them)."""
    ctx.on_cleanup(method, ctx.variables.expand(path))


# -- checking the response -----------------------------------------------------------------


@then("the response status is {status:d}", expects_status="status")
def status_is(ctx: Context, status: int) -> None:
    """The last response's status code."""
    expect_status(ctx.last, status)
    ctx.expected()


@then("the response status is one of {statuses}", expects_status="statuses")
def status_is_one_of(ctx: Context, statuses: str) -> None:
    """One of a comma-separated list of status codes: ``200, 204``."""
    try:
        codes = [int(s) for s in statuses.replace(" or ", ",").split(",") if s.strip()]
    except ValueError:
        raise StepUsageError(f"{statuses!r}: expected status codes like 200, 204") from None
    expect_status(ctx.last, *codes)
    ctx.expected()


def _header(ctx: Context, name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in ctx.last.headers.items() if k.lower() == wanted), None)


def _need_header(ctx: Context, name: str) -> str:
    value = _header(ctx, name)
    assert value is not None, f"{ctx.last.describe()}: no {name} header"
    return value


@then('the response header "{name}" is "{value}"')
def header_is(ctx: Context, name: str, value: str) -> None:
    """The header's value, exactly (the name is case-insensitive)."""
    expected, got = ctx.variables.expand(value), _need_header(ctx, name)
    assert got == expected, f"{ctx.last.describe()}: {name} is {got!r}, expected {expected!r}"


@then('the response header "{name}" contains "{value}"')
def header_contains(ctx: Context, name: str, value: str) -> None:
    """The header's value contains the text."""
    expected, got = ctx.variables.expand(value), _need_header(ctx, name)
    assert expected in got, f"{ctx.last.describe()}: {name} is {got!r}, without {expected!r}"


@then('the response header "{name}" matches "{pattern}"', preflight=check_regex)
def header_matches(ctx: Context, name: str, pattern: str) -> None:
    """The header's whole value matches the regular expression (a ``${variable}`` in it is
    matched as written)."""
    got, expected = _need_header(ctx, name), ctx.variables.expand_pattern(pattern)
    assert re.fullmatch(expected, got), (
        f"{ctx.last.describe()}: {name} is {got!r}, not /{expected}/"
    )


@then('the response header "{name}" is absent')
def header_absent(ctx: Context, name: str) -> None:
    """The response has no such header."""
    got = _header(ctx, name)
    assert got is None, f"{ctx.last.describe()}: {name} is present ({got!r})"


@then('the response header "{name}" is present')
def header_present(ctx: Context, name: str) -> None:
    """The response has the header, with any value."""
    _need_header(ctx, name)


@then('the response body is "{text}"')
def body_is(ctx: Context, text: str) -> None:
    """The body, as text, is exactly this."""
    expected, got = ctx.variables.expand(text), ctx.last.text
    assert got == expected, f"{ctx.last.describe()}: body is {got[:200]!r}, expected {expected!r}"


@then('the response body contains "{text}"')
def body_contains(ctx: Context, text: str) -> None:
    """The body, as text, contains this."""
    expected = ctx.variables.expand(text)
    assert expected in ctx.last.text, (
        f"{ctx.last.describe()}: {describe_body(ctx.last)} without {expected!r}"
    )


@then("the response body is empty")
def body_empty(ctx: Context) -> None:
    """The response has no body."""
    assert not ctx.last.body, f"{ctx.last.describe()}: {describe_body(ctx.last)}"


def _at(ctx: Context, path: str) -> Any:
    return select(json_body(ctx.last), path)


def _need(ctx: Context, path: str) -> Any:
    """The value at ``path``, or an AssertionError saying that nothing is there and why."""
    body = json_body(ctx.last)
    got = select(body, path)
    if is_missing(got):
        raise AssertionError(
            f"{ctx.last.describe()}: the response JSON at {nothing_there(body, path)}"
        )
    return got


def _show(value: Any) -> str:
    if is_missing(value):
        return "nothing"
    text = json.dumps(value)
    return text if len(text) <= 200 else f"{text[:200]}… ({len(text)} characters)"


@then("the response JSON at {path:Path} is {value:Json}", preflight=check_value)
def json_at_is(ctx: Context, path: str, value: str) -> None:
    """The field equals the JSON value (``1`` and ``1.0`` are equal; ``1`` and ``"1"`` not)."""
    expected, got = ctx.variables.expand_json(value), _at(ctx, path)
    same = not is_missing(got) and type(got) in _same_kind(expected) and got == expected
    assert same, f"{ctx.last.describe()}: {path} is {_show(got)}, expected {_show(expected)}"


def _same_kind(value: Any) -> tuple[type, ...]:
    if isinstance(value, bool):
        return (bool,)
    if isinstance(value, int | float):
        return (int, float)
    return (type(value),)


@then("the response JSON at {path:Path} is not {value:Json}", preflight=check_value)
def json_at_is_not(ctx: Context, path: str, value: str) -> None:
    """The field is present and differs from the JSON value."""
    expected, got = ctx.variables.expand_json(value), _need(ctx, path)
    assert got != expected, f"{ctx.last.describe()}: {path} is {_show(got)}"


@then("the response JSON at {path:Path} contains {value:Json}", preflight=check_value)
def json_at_contains(ctx: Context, path: str, value: str) -> None:
    """A string field contains the text; an array has the element; an object has the keys and
    values given."""
    expected, got = ctx.variables.expand_json(value), _at(ctx, path)
    if isinstance(got, str) and isinstance(expected, str):
        ok = expected in got
    elif isinstance(got, list):
        ok = any(not mismatches(item, expected, contains=True) for item in got)
    elif isinstance(got, dict):
        ok = not mismatches(got, expected, contains=True)
    else:
        ok = False
    assert ok, f"{ctx.last.describe()}: {path} is {_show(got)}, without {_show(expected)}"


@then("the response JSON at {path:Path} has {count:d} items", preflight=check_path)
@then("the response JSON at {path:Path} has {count:d} item", preflight=check_path)
def json_at_has_length(ctx: Context, path: str, count: int) -> None:
    """An array (or object, or string) has this many elements."""
    got = _at(ctx, path)
    assert isinstance(got, list | dict | str), f"{ctx.last.describe()}: {path} is {_show(got)}"
    assert len(got) == count, f"{ctx.last.describe()}: {path} has {len(got)}, expected {count}"


@then("the response JSON at {path:Path} is absent", preflight=check_path)
def json_at_absent(ctx: Context, path: str) -> None:
    """The field is not in the response (for a plain field path: the key is missing)."""
    got = _at(ctx, path)
    assert is_missing(got) or got is None, f"{ctx.last.describe()}: {path} is {_show(got)}"


@then("the response JSON at {path:Path} is present", preflight=check_path)
def json_at_present(ctx: Context, path: str) -> None:
    """The field is in the response (null counts as present)."""
    _need(ctx, path)


def _match(ctx: Context, document: Any, docstring: str, contains: bool, where: str) -> None:
    problems = mismatches(document, ctx.variables.expand_json(docstring), contains=contains)
    if problems:
        listed = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise AssertionError(f"{ctx.last.describe()}: {where} does not match: {listed}{more}")


@then("the response JSON matches:", preflight=check_json_docstring)
def json_matches(ctx: Context, docstring: str) -> None:
    """The whole body matches the document exactly, markers allowed (every mismatch listed)."""
    _match(ctx, json_body(ctx.last), docstring, False, "the body")


@then("the response JSON contains:", preflight=check_json_docstring)
def json_contains(ctx: Context, docstring: str) -> None:
    """The body has at least what the document has (more keys and elements allowed)."""
    _match(ctx, json_body(ctx.last), docstring, True, "the body")


@then("the response JSON at {path:Path} matches:", preflight=check_path_docstring)
def json_at_matches(ctx: Context, path: str, docstring: str) -> None:
    """The field matches the document exactly, markers allowed."""
    _match(ctx, _at(ctx, path), docstring, False, path)


@then("the response JSON at {path:Path} contains:", preflight=check_path_docstring)
def json_at_contains_document(ctx: Context, path: str, docstring: str) -> None:
    """The field has at least what the document has."""
    _match(ctx, _at(ctx, path), docstring, True, path)


@then('the response matches the "{model}" model', preflight=check_model)
def matches_model(ctx: Context, model: str) -> None:
    """The body validates against the strict model of that name in the profile's models."""
    expect_model(ctx.last, ctx.model(model))


@then('the response JSON at {path:Path} matches the "{model}" model', preflight=check_model)
def json_at_matches_model(ctx: Context, path: str, model: str) -> None:
    """The field validates against the strict model."""
    expect_model(ctx.last, ctx.model(model), _need(ctx, path))


@then("the response arrived within {limit:d} milliseconds")
def arrived_within(ctx: Context, limit: int) -> None:
    """The last request took at most this long, retries included."""
    took = ctx.last.elapsed * 1000
    assert took <= limit, f"{ctx.last.describe()}: took {took:.0f} ms, more than {limit} ms"


# -- variables -----------------------------------------------------------------------------


@then(
    "I remember the response JSON at {path:Path} as {name:Name}", preflight=check_path, sets="name"
)
def remember_json(ctx: Context, path: str, name: str) -> None:
    """Keep the field's value as ``${name}`` for later steps."""
    ctx.variables.set(name, _need(ctx, path))


@then('I remember the response header "{header}" as {name:Name}', sets="name")
def remember_header(ctx: Context, header: str, name: str) -> None:
    """Keep the header's value as ``${name}``."""
    ctx.variables.set(name, _need_header(ctx, header))


# -- polling -------------------------------------------------------------------------------

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def condition_problems(registry: StepRegistry | None, text: str) -> list[str]:
    """Why ``text`` cannot be a polling condition in the session of ``registry`` (empty when
    it can)."""
    found = registry.find(text) if registry is not None else ()
    if len(found) != 1:
        return [f"condition {text!r} is {'undefined' if not found else 'ambiguous'}"]
    definition = found[0].definition
    if definition.kind != "then" or set(definition.fixtures) - {"ctx"} or definition.wants:
        return [f"condition {text!r} is not a check of the response"]
    return []


def holds(registry: StepRegistry, ctx: Context, text: str) -> bool:
    """Whether the check ``text`` passes on the last response."""
    match = registry.find(text)[0]
    try:
        match.definition.func(ctx=ctx, **match.arguments)
    except AssertionError:
        return False
    return True


def _seconds(text: str) -> float | None:
    """``"2 seconds"``, ``"0.5"`` -> seconds; None when it is not a positive number."""
    try:
        value = float(text.split()[0]) if text.split() else -1.0
    except ValueError:
        return None
    return value if value > 0 else None


def _poll_rows(datatable: list[list[str]]) -> dict[str, str]:
    return {row[0].strip().lower(): row[1].strip() for row in datatable if len(row) == 2}


def check_poll(found: PreflightStep) -> Iterable[str]:
    method = found.arguments["method"]
    if method not in SAFE_METHODS:
        yield f"only {', '.join(SAFE_METHODS)} can be repeated safely, not {method}"
    conditions = [found.arguments.get("condition")]
    if found.datatable is not None:
        rows = _poll_rows(found.datatable)
        unknown = set(rows) - {"until", "fail if", "every"}
        if unknown or "until" not in rows:
            yield "the table needs an 'until' row, and may have 'fail if' and 'every' rows"
        if "every" in rows and _seconds(rows["every"]) is None:
            yield f"every {rows['every']!r}: expected seconds, e.g. '2 seconds' or '0.5'"
        conditions = [rows.get("until"), rows.get("fail if")]
    for condition in conditions:
        if condition:
            yield from condition_problems(found.index, condition)


def poll(
    request: pytest.FixtureRequest,
    ctx: Context,
    method: str,
    path: str,
    seconds: float,
    until: str,
    fail_if: str | None,
    every: float,
) -> None:
    registry = registry_of(request.config)
    deadline = time.monotonic() + seconds
    tries = 0
    while True:
        tries += 1
        ctx.send(method, ctx.variables.expand(path))
        if fail_if and holds(registry, ctx, fail_if):
            raise AssertionError(f"{ctx.last.describe()}: {fail_if} (after {tries} tries)")
        if holds(registry, ctx, until):
            return
        if time.monotonic() + every > deadline:
            raise AssertionError(
                f"{ctx.last.describe()}: not {until!r} within {seconds:g} s ({tries} tries)"
            )
        time.sleep(every)  # the API's pace: polling waits for it by definition


@when(
    "within {seconds:Number} seconds I {method:Method} {path:Path} until {condition}",
    preflight=check_poll,
)
def poll_until(
    request: pytest.FixtureRequest,
    ctx: Context,
    seconds: float,
    method: str,
    path: str,
    condition: str,
) -> None:
    """Repeat the request (every half second) until the check holds, or fail after N seconds."""
    poll(request, ctx, method, path, seconds, condition, None, 0.5)


@when(
    "I poll {method:Method} {path:Path} for up to {seconds:Number} seconds:", preflight=check_poll
)
def poll_table(
    request: pytest.FixtureRequest,
    ctx: Context,
    method: str,
    path: str,
    seconds: float,
    datatable: list[list[str]],
) -> None:
    """Repeat the request until the ``until`` check holds; fail at once when the ``fail if``
    check holds; ``every`` sets the pause (default 0.5 seconds)."""
    rows = _poll_rows(datatable)
    every = _seconds(rows.get("every", "0.5")) or 0.5  # the pre-flight refused anything else
    poll(request, ctx, method, path, seconds, rows["until"], rows.get("fail if"), every)


__all__ = ["condition_problems", "holds"]
