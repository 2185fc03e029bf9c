"""Fuzzy JSON matching in the spirit of Karate's ``match``: every mismatch at once, with its path.

An expected document is JSON whose string values may be markers:

- ``#string`` ``#number`` ``#boolean`` ``#array`` ``#object``: a value of that JSON type;
- ``#null``: null; ``#notnull``: present and not null; ``#present``: present, any value;
- ``#notpresent``: the key is absent; ``#ignore``: anything, or nothing;
- ``#uuid``: a UUID string; ``#date-time``: an RFC 3339 date-time string;
- ``#regex PATTERN``: a string the regular expression matches as a whole;
- ``##marker`` (two hashes): optional, the key may be absent or null, else as ``#marker``.

``exactly`` mode: objects have exactly the expected keys (apart from ``#notpresent``,
``#ignore`` and optional ones) and arrays the expected elements in order. ``contains`` mode:
objects may have more keys, and each expected array element matches some actual element.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

TYPES: dict[str, Any] = {
    "string": str,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}
MARKERS = (*TYPES, "null", "notnull", "present", "notpresent", "ignore", "uuid", "date-time")
_ABSENT = object()


class MarkerError(ValueError):
    """An unknown marker or a bad ``#regex``: an authoring mistake."""


def _json_type(value: Any) -> str:
    if value is _ABSENT:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "nothing"
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("#")


def check_markers(expected: Any, path: str = "$") -> Iterator[str]:
    """Every unknown marker or invalid ``#regex`` in ``expected`` (for the pre-flight)."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            yield from check_markers(value, f"{path}.{key}")
    elif isinstance(expected, list):
        for index, value in enumerate(expected):
            yield from check_markers(value, f"{path}[{index}]")
    elif is_marker(expected):
        try:
            _parse_marker(expected)
        except MarkerError as err:
            yield f"{path}: {err}"


def _parse_marker(marker: str) -> tuple[bool, str, str]:
    """``(optional, name, argument)`` of a marker."""
    optional = marker.startswith("##")
    body = marker[2:] if optional else marker[1:]
    name, _, argument = body.partition(" ")
    if name == "regex":
        try:
            re.compile(argument)
        except re.error as err:
            raise MarkerError(f"#regex {argument!r} is not a regular expression: {err}") from None
        return optional, name, argument
    if name not in MARKERS:
        raise MarkerError(f"unknown marker {marker!r}; known: #{', #'.join(MARKERS)}, #regex")
    return optional, name, argument


def _marker_problem(marker: str, actual: Any) -> str | None:
    optional, name, argument = _parse_marker(marker)
    if optional and (actual is _ABSENT or actual is None):
        return None
    if name == "ignore":
        return None
    if name == "notpresent":
        return None if actual is _ABSENT else f"expected no value, got {_show(actual)}"
    if actual is _ABSENT:
        return f"expected {marker}, got nothing"
    if name == "present":
        return None
    if name == "null":
        return None if actual is None else f"expected null, got {_show(actual)}"
    if name == "notnull":
        return None if actual is not None else "expected a value, got null"
    if name in TYPES:
        ok = isinstance(actual, TYPES[name]) and not (name == "number" and isinstance(actual, bool))
        return None if ok else f"expected {marker}, got {_json_type(actual)} {_show(actual)}"
    if not isinstance(actual, str):
        return f"expected {marker}, got {_json_type(actual)} {_show(actual)}"
    if name == "uuid":
        try:
            uuid.UUID(actual)
        except ValueError:
            return f"expected #uuid, got {_show(actual)}"
        return None
    if name == "date-time":
        try:
            datetime.fromisoformat(actual.replace("Z", "+00:00"))
        except ValueError:
            return f"expected #date-time, got {_show(actual)}"
        return None if "T" in actual else f"expected #date-time, got {_show(actual)}"
    return None if re.fullmatch(argument, actual) else f"expected {marker}, got {_show(actual)}"


def mismatches(actual: Any, expected: Any, *, contains: bool = False, path: str = "$") -> list[str]:
    """Every difference between ``actual`` and ``expected``, as ``path: what`` lines."""
    return list(_compare(actual, expected, contains, path))


def _compare(actual: Any, expected: Any, contains: bool, path: str) -> Iterator[str]:
    if is_marker(expected):
        problem = _marker_problem(expected, actual)
        if problem:
            yield f"{path}: {problem}"
    elif isinstance(expected, dict):
        yield from _compare_object(actual, expected, contains, path)
    elif isinstance(expected, list):
        yield from _compare_array(actual, expected, contains, path)
    elif actual is _ABSENT:
        yield f"{path}: expected {_show(expected)}, got nothing"
    elif _json_type(actual) != _json_type(expected) or actual != expected:
        yield f"{path}: expected {_show(expected)}, got {_show(actual)}"


def _compare_object(
    actual: Any, expected: dict[str, Any], contains: bool, path: str
) -> Iterator[str]:
    if not isinstance(actual, dict):
        yield f"{path}: expected an object, got {_json_type(actual)}"
        return
    for key, want in expected.items():
        yield from _compare(actual.get(key, _ABSENT), want, contains, f"{path}.{key}")
    if not contains:
        extra = sorted(set(actual) - set(expected))
        if extra:
            yield f"{path}: unexpected {'key' if len(extra) == 1 else 'keys'} {', '.join(extra)}"


def _compare_array(actual: Any, expected: list[Any], contains: bool, path: str) -> Iterator[str]:
    if not isinstance(actual, list):
        yield f"{path}: expected an array, got {_json_type(actual)}"
        return
    if contains:
        for index, want in enumerate(expected):
            if not any(not mismatches(item, want, contains=True) for item in actual):
                yield f"{path}: no element matches expected element [{index}] {_show(want)}"
        return
    if len(actual) != len(expected):
        yield f"{path}: expected {len(expected)} elements, got {len(actual)}"
    for index, (got, want) in enumerate(zip(actual, expected, strict=False)):
        yield from _compare(got, want, contains, f"{path}[{index}]")
