"""The step index: every api-bdd step definition, looked up without scanning them all.

pytest-bdd finds a step by asking every step definition's fixture whether it matches, for every
step it runs, so its cost grows with the step library. api-bdd registers one dispatching
definition with pytest-bdd (see :mod:`steps.dispatch`) and keeps its own definitions here,
indexed by the literal words their patterns start with: a step's text is tried only against the
definitions whose leading words it shares (and the few that start with a placeholder), and the
answer for a text is remembered. The collection-time pre-flight uses the same index.

Matching ignores the keyword (Given/When/Then/And), as Cucumber does: the same sentence cannot
mean two things. Two definitions that both match a text make it ambiguous.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import parse as parselib

RESERVED = ("datatable", "docstring")
_INDEX_DEPTH = 3  # leading literal words used as index keys
_CACHE_LIMIT = 8_192  # texts remembered (a suite repeats its steps; a huge one would keep all)


def _typed(pattern: str, convert: Callable[[str], Any] = str) -> Callable[[str], Any]:
    def converter(text: str) -> Any:
        return convert(text)

    converter.pattern = pattern  # type: ignore[attr-defined]  # what parse.with_pattern sets
    return converter


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
TYPES: dict[str, Callable[[str], Any]] = {
    # an exact decimal, never a float: 29.99 -> Decimal("29.99")
    "Money": _typed(r"-?\d+(?:\.\d+)?", Decimal),
    "Method": _typed("|".join(METHODS)),
    # a path or URL without spaces: /items/${id}?page=2
    "Path": _typed(r"\S+"),
    # a variable's name
    "Name": _typed(r"[A-Za-z_][A-Za-z0-9_]*"),
    # a number of seconds or milliseconds
    "Number": _typed(r"\d+(?:\.\d+)?", float),
    # a JSON literal (or a ${variable}), never a bare word: "abc", 12, -1.5, true, null, [..], {..}
    "Json": _typed(
        r'(?:".*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\[.*\]|\{.*\}|\$\{[^}]*\})'
    ),
}

PreflightCheck = Callable[["PreflightStep"], Iterable[str]]


@dataclass(frozen=True)
class PreflightStep:
    """What a definition's pre-flight check sees of one step: no fixture, no request."""

    text: str
    arguments: Mapping[str, Any]
    docstring: str | None
    datatable: list[list[str]] | None
    models: Callable[[str], bool]  # is this a model name of the profile?
    # what to say of a name that is not: the names there are, and the closest
    unknown_model: Callable[[str], str] = lambda name: f"unknown model {name!r}"
    # the doc string's first line in the file, and the indentation Gherkin took off its lines
    docstring_origin: tuple[int, int] | None = None


@dataclass(frozen=True)
class StepDefinition:
    kind: str  # "given", "when", "then" or "step" (any)
    pattern: str
    func: Callable[..., Any]
    parser: parselib.Parser
    arguments: tuple[str, ...]  # filled from the step text
    fixtures: tuple[str, ...]  # filled by pytest
    wants: frozenset[str]  # of RESERVED
    preflight: PreflightCheck | None = None
    # variables this step sets: an argument's name (the variable it names) or a variable's name
    sets: tuple[str, ...] = ()
    # the argument holding the status(es) this check expects (an int, or text whose 3-digit
    # numbers are statuses), or None: the step checks no status
    expects_status: str | None = None

    def statuses_expected(self, arguments: Mapping[str, Any]) -> set[int]:
        """The statuses this step expects, given its arguments (empty: it checks none)."""
        if self.expects_status is None:
            return set()
        value = arguments[self.expects_status]
        if isinstance(value, int):
            return {value}
        return {int(s) for s in re.findall(r"\d{3}", str(value))}

    @functools.cached_property
    def function(self) -> str:
        """``module.name`` of the function (one string, however many steps it serves)."""
        return f"{self.func.__module__}.{self.func.__qualname__}"

    def variables_set(self, arguments: Mapping[str, Any]) -> set[str]:
        """The names of the variables this step sets, given its arguments."""
        return {str(arguments[s]) if s in self.arguments else s for s in self.sets}

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    def leading_words(self) -> tuple[str, ...]:
        """The complete literal words before the first placeholder, lowercased."""
        literal = re.split(r"(?<!\{)\{(?!\{)", self.pattern, maxsplit=1)[0]
        words = literal.lower().split()
        if words and not literal[-1:].isspace() and len(literal) < len(self.pattern):
            words = words[:-1]  # glued to the placeholder: "\"{name}\"" starts with '"'
        return tuple(words[:_INDEX_DEPTH])


@dataclass(frozen=True)
class Match:
    definition: StepDefinition
    arguments: Mapping[str, Any]


@dataclass
class StepRegistry:
    definitions: list[StepDefinition] = field(default_factory=list)
    _index: dict[tuple[str, ...], list[StepDefinition]] = field(default_factory=dict)
    _cache: dict[str, tuple[Match, ...]] = field(default_factory=dict)

    def define(
        self,
        kind: str,
        pattern: str,
        func: Callable[..., Any],
        *,
        preflight: PreflightCheck | None = None,
        sets: str | tuple[str, ...] = (),
        expects_status: str | None = None,
    ) -> StepDefinition:
        parser = parselib.compile(pattern, extra_types=TYPES, case_sensitive=True)
        names = tuple(parser.named_fields)
        params = inspect.signature(func).parameters
        missing = [n for n in names if n not in params]
        if missing:
            raise TypeError(f"{func.__qualname__} has no parameter for {{{missing[0]}}}")
        if expects_status is not None and expects_status not in names:
            raise TypeError(
                f"{func.__qualname__}: expects_status={expects_status!r} names no {{field}}"
                f" of {pattern!r}"
            )
        fixtures = tuple(
            n
            for n, p in params.items()
            if n not in names and n not in RESERVED and p.default is inspect.Parameter.empty
        )
        definition = StepDefinition(
            kind=kind,
            pattern=pattern,
            func=func,
            parser=parser,
            arguments=names,
            fixtures=fixtures,
            wants=frozenset(n for n in RESERVED if n in params),
            preflight=preflight,
            sets=(sets,) if isinstance(sets, str) else tuple(sets),
            expects_status=expects_status,
        )
        for existing in self.definitions:
            if existing.pattern == pattern:
                raise ValueError(
                    f"step {pattern!r} is defined twice: {existing.function}, {definition.function}"
                )
        self.definitions.append(definition)
        self._index.setdefault(definition.leading_words(), []).append(definition)
        self._cache.clear()
        return definition

    def candidates(self, text: str) -> list[StepDefinition]:
        """The definitions that could match ``text``, from the index."""
        words = tuple(text.lower().split()[:_INDEX_DEPTH])
        found: list[StepDefinition] = []
        for depth in range(len(words) + 1):
            found.extend(self._index.get(words[:depth], ()))
        return found

    def find(self, text: str) -> tuple[Match, ...]:
        """Every definition matching ``text`` (none: undefined; several: ambiguous)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        matches = []
        for definition in self.candidates(text):
            result = definition.parser.parse(text)
            if isinstance(result, parselib.Result):
                matches.append(Match(definition, dict(result.named)))
        found = tuple(matches)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = found
        return found

    def patterns(self) -> list[str]:
        return [d.pattern for d in self.definitions]


REGISTRY = StepRegistry()
