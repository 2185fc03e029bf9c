"""What pytest-bdd knows about an item: its rendered scenario and the step definitions it sees.

pytest-bdd keeps this in process-local registries (they do not cross xdist), so it is read in
the process that collected the item and turned into plain data there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.scenario import find_fixturedefs_for_step, scenario_wrapper_template_registry
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry


def scenario_of(item: pytest.Item) -> Any:
    """The item's scenario with its outline row filled in, or None for a plain test."""
    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]
    if template is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    return template.render(example)


def template_of(item: pytest.Item) -> Any:
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]


def step_definitions(item: pytest.Item) -> Iterator[StepFunctionContext]:
    """Every step definition visible to ``item``."""
    manager = item.session._fixturemanager
    seen: set[int] = set()
    for name in get_fixture_names(fixturemanager=manager):
        for fixturedef in getfixturedefs(manager, name, item) or []:
            context = step_function_context_registry.get(fixturedef.func)
            if context is not None and id(context) not in seen:
                seen.add(id(context))
                yield context


def step_patterns(item: pytest.Item) -> Iterator[tuple[str, str]]:
    """(step type, pattern) of every step definition visible to ``item``."""
    for context in step_definitions(item):
        yield context.type or "", str(context.parser.name)


def matching_functions(item: pytest.Item, step: Any) -> set[Any]:
    """The step functions whose pattern matches ``step`` (none: undefined; several: ambiguous)."""
    manager = item.session._fixturemanager
    return {
        step_function_context_registry[fd.func].step_func
        for fd in find_fixturedefs_for_step(step, manager, item)
    }


def function_name(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"
