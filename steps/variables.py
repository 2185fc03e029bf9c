"""Variables in step text, tables and doc strings: ``${name}``, and generated values.

The syntax cannot be confused with JSON braces or a Scenario Outline's ``<placeholder>``:

- ``${order_id}``: a variable remembered by an earlier step, or one of the profile's variables;
- ``${uuid()}``: a new UUID; ``${unique(Widget)}``: ``Widget`` made unique to the scenario;
  ``${now()}``: the current UTC time (RFC 3339); ``${env(NAME)}``: an environment variable;
  ``${secret(NAME)}``: a credential of the run (the environment's, or the embedded API's
  generated one), masked in every output.

In a JSON doc string a value that is only a reference, ``"${quantity}"``, keeps the variable's
JSON type (a number stays a number); a reference inside other text is interpolated as text;
an unquoted reference, ``{"quantity": ${quantity}}``, is written as JSON. In a regular
expression (``matches "..."``, a ``#regex`` marker) a reference's value is escaped: it is
matched as written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from client.redaction import is_sensitive_name

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\(([^()]*)\))?\}")
GENERATORS = ("uuid", "unique", "now", "env", "secret")
_REGEX_MARKERS = ('"#regex ', '"##regex ')  # a reference in one is escaped: matched as written


class VariableError(AssertionError):
    """A variable was used before it was set, or a generator is unknown: one line."""


def references(text: str) -> Iterator[tuple[str, bool]]:
    """Each ``${...}`` in ``text``: (name, is a generator call)."""
    for match in REFERENCE.finditer(text):
        yield match.group(1), match.group(2) is not None


class Variables:
    """One scenario's variables, on top of the profile's."""

    def __init__(
        self,
        defaults: Mapping[str, str] | None = None,
        *,
        run_id: str = "",
        on_secret: Callable[[str, str], None] = lambda value, name: None,
        secret_names: frozenset[str] = frozenset(),
        credentials: Mapping[str, str] | None = None,
        on_use: Callable[[str, Any, bool], None] = lambda reference, value, remembered: None,
    ) -> None:
        self.credentials = credentials if credentials is not None else os.environ
        self.values: dict[str, Any] = dict(defaults or {})
        self.run_id = run_id or secrets.token_hex(2)
        self.on_secret = on_secret
        self.secret_names = secret_names
        # told each value a step used (reference, value, False) or remembered (..., True), so
        # the report can show it beside the step
        self.on_use = on_use

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value
        self.on_use(f"${{{name}}}", value, True)

    def get(self, name: str) -> Any:
        if name not in self.values:
            raise VariableError(f"variable ${{{name}}} is not set (remember it in an earlier step)")
        return self.values[name]

    def unique(self, name: str) -> str:
        """``name`` made unique to this scenario, so runs can share one API."""
        return f"{name} [{self.run_id}-{secrets.token_hex(3)}]"

    def _resolve(self, name: str, argument: str | None) -> Any:
        value = self._value(name, argument)
        reference = f"${{{name}}}" if argument is None else f"${{{name}({argument})}}"
        self.on_use(reference, value, False)
        return value

    def _value(self, name: str, argument: str | None) -> Any:
        if argument is None:
            return self.get(name)
        if name == "uuid":
            return str(uuid.uuid4())
        if name == "unique":
            return self.unique(argument.strip() or "item")
        if name == "now":
            return datetime.now(UTC).isoformat(timespec="seconds")
        if name == "env":
            value = os.environ.get(argument.strip())
            if value is None:
                raise VariableError(f"${{env({argument})}}: environment variable is not set")
            variable = argument.strip()
            # a credential's name (DB_PASSWORD, SERVICE_TOKEN) is a secret even when the
            # author wrote env() where secret() was meant: never shown beside the step
            if variable in self.secret_names or is_sensitive_name(variable):
                self.on_secret(value, variable)
            return value
        if name == "secret":
            value = self.credentials.get(argument.strip())
            if not value:
                raise VariableError(f"${{secret({argument})}}: {argument} is not set")
            self.on_secret(value, argument.strip())
            return value
        raise VariableError(f"unknown generator ${{{name}()}}: use one of {', '.join(GENERATORS)}")

    def expand(self, text: str) -> str:
        """``text`` with every reference replaced by its value as text."""
        if "${" not in text:
            return text
        return REFERENCE.sub(lambda m: _as_text(self._resolve(m.group(1), m.group(2))), text)

    def expand_pattern(self, pattern: str) -> str:
        """A regular expression with every reference replaced by its value, escaped: the value
        is matched as written (an order id ``7.1`` matches ``7.1``, not ``701``)."""
        if "${" not in pattern:
            return pattern
        return REFERENCE.sub(
            lambda m: re.escape(_as_text(self._resolve(m.group(1), m.group(2)))), pattern
        )

    def expand_json(self, text: str) -> Any:
        """Parse a JSON doc string whose references keep their JSON types (see module doc)."""
        return json.loads(self.expand_json_text(text))

    def expand_json_text(self, text: str) -> str:
        if "${" not in text:
            return text
        out: list[str] = []
        position = 0
        for start, end, quoted_alone, inside, opened in _scan(text):
            match = REFERENCE.fullmatch(text, start, end)
            assert match is not None
            value = self._resolve(match.group(1), match.group(2))
            if quoted_alone:  # "${x}": the whole string is the value, with its type
                out.append(text[position : start - 1] + json.dumps(value, default=str))
                position = end + 1
            elif inside:
                shown = _as_text(value)
                if text.startswith(_REGEX_MARKERS, opened):  # matched as written, not as regex
                    shown = re.escape(shown)
                out.append(text[position:start] + json.dumps(shown)[1:-1])
                position = end
            else:
                out.append(text[position:start] + json.dumps(value, default=str))
                position = end
        out.append(text[position:])
        return "".join(out)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _scan(text: str) -> Iterator[tuple[int, int, bool, bool, int]]:
    """Each reference's span, whether it is a whole JSON string, whether it is in one, and
    where that string's opening quote is (-1 outside strings).

    One pass over the text, tracking string state (quotes and backslash escapes).
    """
    inside = False
    opened = -1
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if inside and char == "\\":
            index += 2
            continue
        if char == '"':
            inside = not inside
            opened = index if inside else -1
            index += 1
            continue
        if char == "$" and text.startswith("${", index):
            match = REFERENCE.match(text, index)
            if match is not None:
                start, end = match.span()
                alone = inside and text[start - 1 : start] == '"' and text[end : end + 1] == '"'
                yield start, end, alone, inside, opened
                if alone:
                    inside = False
                    index = end + 1
                else:
                    index = end
                continue
        index += 1
