"""The step index: every api-bdd step definition, looked up without scanning them all.

pytest-bdd finds a step by asking every step definition's fixture whether it matches, for every
step it runs, so its cost grows with the step library. api-bdd registers one dispatching
definition with pytest-bdd (see :mod:`steps.dispatch`) and keeps its own definitions here,
indexed by the literal words their patterns start with: a step's text is tried only against the
definitions whose leading words it shares (and the few that start with a placeholder), and the
answer for a text is remembered. The collection-time pre-flight uses the same index.

The index belongs to the session, as pytest-bdd's step fixtures and pluggy's hooks do: the step
decorators (:mod:`steps.author`) only list each definition in the module that writes it, and a
session's index holds the definitions of the plugins that session registered (the framework's
vocabulary, the profile's suite, a project's own step modules), added as pytest registers them.
It lives in ``config.stash`` under a key of this module: :func:`registry_of`. Two sessions in one
process (``pytest.main`` twice, in-process ``pytester`` runs) share neither definitions nor answers.

Matching ignores the keyword (Given/When/Then/And), as Cucumber does: the same sentence cannot
mean two things. Two definitions that both match a text make it ambiguous.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import parse as parselib
import pytest

RESERVED = ("datatable", "docstring")
_INDEX_DEPTH = 3  # leading literal words used as index keys
_CACHE_LIMIT = 32_768  # texts remembered: the pre-flight asks for every step at collection and
# the run asks again, so a limit below a suite's distinct texts (13,754 at 5,000 scenarios) would
# clear the answers before the run reads them; a huge suite still cannot keep them all


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
    # the session's step index: what a step naming another step (a polling condition) asks
    index: StepRegistry | None = None


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
        words = literal.replace("{{", "{").replace("}}", "}").lower().split()
        if words and not literal[-1:].isspace() and len(literal) < len(self.pattern):
            words = words[:-1]  # glued to the placeholder: "\"{name}\"" starts with '"'
        return tuple(words[:_INDEX_DEPTH])


@dataclass(frozen=True, slots=True)  # one per step text the index remembers: kept small
class Match:
    definition: StepDefinition
    arguments: Mapping[str, Any]


@dataclass
class StepRegistry:
    definitions: list[StepDefinition] = field(default_factory=list)
    _index: dict[tuple[str, ...], list[StepDefinition]] = field(default_factory=dict)
    _cache: dict[str, tuple[Match, ...]] = field(default_factory=dict)

    def define(
        self, kind: str, pattern: str, func: Callable[..., Any], **options: Any
    ) -> StepDefinition:
        """Index the definition of ``func`` for ``pattern`` (``options``: those of
        :func:`make_definition`)."""
        definition = make_definition(kind, pattern, func, **options)
        self.add(definition)
        return definition

    def add(self, definition: StepDefinition) -> None:
        """Index ``definition``; a pattern defined twice is an error naming both functions."""
        for existing in self.definitions:
            if existing.pattern == definition.pattern:
                raise ValueError(
                    f"step {definition.pattern!r} is defined twice: {existing.function},"
                    f" {definition.function}"
                )
        self.definitions.append(definition)
        self._index.setdefault(definition.leading_words(), []).append(definition)
        self._cache.clear()

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


def make_definition(
    kind: str,
    pattern: str,
    func: Callable[..., Any],
    *,
    preflight: PreflightCheck | None = None,
    sets: str | tuple[str, ...] = (),
    expects_status: str | None = None,
) -> StepDefinition:
    """The definition of ``func`` for ``pattern``; a placeholder without a parameter (or an
    ``expects_status`` naming no placeholder) is an error when the module is imported."""
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
    return StepDefinition(
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


# -- whose definitions: the module that writes them, the session that loads that module ---------
_WRITTEN = "__api_bdd_steps__"  # a step module's own list of the definitions it writes


def remember(definition: StepDefinition) -> None:
    """List ``definition`` in the module that writes its function (imported, it is in
    ``sys.modules``): a session that registers the module as a plugin indexes it."""
    module = sys.modules.get(definition.func.__module__)
    if module is None:
        raise TypeError(f"{definition.function}: a step is written in a module, imported")
    module.__dict__.setdefault(_WRITTEN, []).append(definition)


def definitions_of(plugin: object) -> list[StepDefinition]:
    """The step definitions ``plugin`` (a module) writes, in the order written."""
    if not isinstance(plugin, types.ModuleType):
        return []
    return list(plugin.__dict__.get(_WRITTEN, ()))


_SESSION = pytest.StashKey[StepRegistry]()


class _SessionSteps:
    """Indexes each plugin's definitions as its session registers it: registered, it is told of
    the plugins registered before too (``pytest_plugin_registered`` is a historic hook), and of
    a ``conftest.py`` found later, during collection."""

    def __init__(self, registry: StepRegistry) -> None:
        self.registry: StepRegistry | None = registry

    def pytest_plugin_registered(self, plugin: object) -> None:
        if self.registry is None:
            return  # the session has ended
        for definition in definitions_of(plugin):
            try:
                self.registry.add(definition)
            except ValueError as err:
                raise pytest.UsageError(f"api-bdd: {err}") from None

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # pytest's assertion rewriter outlives the session in a process that goes on (it is the
        # loader of the modules it rewrote) and keeps the config: the index and its answers end
        # with the session, not with the config
        del config.stash[_SESSION]
        self.registry = None


_LISTENER = "api-bdd-step-index"


def registry_of(config: pytest.Config) -> StepRegistry:
    """The session's step index (built on the first call: at configure, by the dispatcher)."""
    try:
        return config.stash[_SESSION]
    except KeyError:
        registry = config.stash[_SESSION] = StepRegistry()
        listener = config.pluginmanager.get_plugin(_LISTENER)
        if listener is None:
            config.pluginmanager.register(_SessionSteps(registry), _LISTENER)
        else:  # asked after the session ended: the plugins it had, indexed again
            listener.registry = registry
            for _, plugin in config.pluginmanager.list_name_plugin():
                listener.pytest_plugin_registered(plugin)
        return registry
