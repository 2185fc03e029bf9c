"""pytest-bdd's process-local registries, read in one place (they do not cross xdist).

What an item's scenario is (read by :mod:`bdd_items`, which ``reporting`` reads too), and, for
steps written with pytest-bdd's own decorators rather than api-bdd's, which of those
definitions match: they are found once per module (usually there are none), so the
pre-flight's cost does not grow with api-bdd's step library.

Every other pytest-bdd internal the steps use (its step registry, its ``compat`` functions,
``FeatureParser._parse_feature_file``) is read here and nowhere else in ``steps``;
``tests/test_private_names.py`` has a test per name that names it when an upgrade removes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gherkin.parser import Parser
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.gherkin_parser import GherkinDocument
from pytest_bdd.parser import FeatureParser
from pytest_bdd.steps import StepFunctionContext, StepNamePrefix, step_function_context_registry

from bdd_items import EXAMPLE, scenario_of, template_of
from steps._pytest import fixture_manager
from steps.dispatch import run_indexed_step

_SCENARIO = pytest.StashKey[Any]()


def steps_of(item: pytest.Item) -> Any:
    """What collection reads of the item's scenario (its feature and its steps' keywords, texts,
    lines, tables and doc strings), or None for a plain test: the scenario's own template when
    no outline row fills it in (the same steps, nothing to render), otherwise the rendered
    scenario, kept until :func:`forget` (the pre-flight and the catalog both ask)."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or EXAMPLE not in callspec.params:
        return template_of(item)
    if _SCENARIO not in item.stash:
        item.stash[_SCENARIO] = scenario_of(item)
    return item.stash[_SCENARIO]


def forget(item: pytest.Item) -> None:
    """Let go of the rendered scenario kept on the item: thousands of items would keep it to
    the end of the run (asked again, :func:`steps_of` renders it again)."""
    if _SCENARIO in item.stash:
        del item.stash[_SCENARIO]


def name_of(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"


_DEFINITIONS = pytest.StashKey[dict[str, list[StepFunctionContext]]]()


def raw_definitions(item: pytest.Item) -> list[StepFunctionContext]:
    """The pytest-bdd step definitions visible to ``item``, api-bdd's dispatcher excepted
    (scanned once per module: usually there are none)."""
    cache = item.config.stash.setdefault(_DEFINITIONS, {})
    parent = item.parent.nodeid if item.parent is not None else ""
    if parent not in cache:
        manager = fixture_manager(item.session)
        seen: dict[int, StepFunctionContext] = {}
        # pytest-bdd names each step definition's fixture with this prefix: the other fixtures
        # (hundreds, each a lookup by node) cannot hold one
        prefix = StepNamePrefix.step_def.value
        for name in get_fixture_names(fixturemanager=manager):
            if not name.startswith(prefix):
                continue
            for fixturedef in getfixturedefs(manager, name, item) or []:
                context = step_function_context_registry.get(fixturedef.func)
                if context is not None and context.step_func is not run_indexed_step:
                    seen.setdefault(id(context), context)
        cache[parent] = list(seen.values())
    return cache[parent]


_ACTIVE = pytest.StashKey[dict[tuple[str, tuple[str, ...]], tuple[Any, ...]]]()


def active_fixturedefs(item: pytest.Item, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The definition each of ``names`` resolves to for ``item`` (the nearest override, as
    ``request.getfixturevalue`` picks it; None where there is none), found once per module: the
    items of one module see the same fixtures."""
    cache = item.config.stash.setdefault(_ACTIVE, {})
    key = (item.parent.nodeid if item.parent is not None else "", names)
    if key not in cache:
        manager = fixture_manager(item.session)
        found = [getfixturedefs(manager, name, item) for name in names]
        cache[key] = tuple(defs[-1] if defs else None for defs in found)
    return cache[key]


def raw_patterns(item: pytest.Item) -> list[str]:
    return [str(c.parser.name) for c in raw_definitions(item)]


def raw_matching_functions(
    item: pytest.Item, step: Any, definitions: list[StepFunctionContext] | None = None
) -> list[Any]:
    """The pytest-bdd step functions (not api-bdd's) matching ``step`` (among ``definitions``,
    when the caller has them already)."""
    if definitions is None:
        definitions = raw_definitions(item)
    if not definitions:
        return []
    return sorted(
        {
            context.step_func
            for context in definitions
            if context.type in (None, step.type) and context.parser.is_matching(step.name)
        },
        key=name_of,
    )


def pattern_of(func: Any) -> str:
    """The pattern of a pytest-bdd step function (the first definition that uses it)."""
    for context in step_function_context_registry.values():
        if context.step_func is func:
            return str(context.parser.name)
    return name_of(func)


def feature_from_text(path: Path, text: str) -> Any:
    """pytest-bdd's ``Feature`` of ``text``, as if it were the file ``path``: a mended copy of
    a file that does not parse as written. pytest-bdd's parser reads files only; its private
    ``FeatureParser._parse_feature_file`` is where the text goes in instead."""
    parser = FeatureParser(str(path.parent), path.name)
    parser._parse_feature_file = lambda: GherkinDocument.from_dict(  # type: ignore[method-assign]
        Parser().parse(text)
    )
    return parser.parse()
