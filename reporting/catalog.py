"""The step catalog: every step definition, its pattern, docstring, function and how often the
features use it. Built where items are collected (each xdist worker collects them all)."""

from __future__ import annotations

import inspect
import os
from collections import Counter
from typing import Any

import pytest

from reporting.bdd import function_name, scenario_of, step_definitions, template_of


def _where(func: Any, root: str) -> dict[str, Any]:
    """The file (relative to the root) and line where a step function is defined."""
    try:
        path = inspect.getsourcefile(func) or ""
        line = inspect.getsourcelines(func)[1]
    except (OSError, TypeError):
        return {}
    return {"uri": os.path.relpath(path, root), "line": line}


def build_catalog(items: list[pytest.Item]) -> list[dict[str, Any]]:
    bdd_items = [i for i in items if template_of(i) is not None]
    if not bdd_items:
        return []
    root = str(bdd_items[0].config.rootpath)
    definitions = list(step_definitions(bdd_items[0]))
    uses: Counter[int] = Counter()
    seen_steps: set[tuple[str, int]] = set()
    for item in bdd_items:
        scenario = scenario_of(item)  # rendered: "<quantity>" filled in, so patterns match
        for step in scenario.steps:  # as written: an outline's step counts once, not per row
            key = (scenario.feature.filename, step.line_number)
            if key in seen_steps:
                continue
            seen_steps.add(key)
            for index, context in enumerate(definitions):
                if context.type in (None, step.type) and context.parser.is_matching(step.name):
                    uses[index] += 1
    entries = {}
    for index, context in enumerate(definitions):
        name = function_name(context.step_func)
        entries[(name, str(context.parser.name))] = {
            "type": context.type or "any",
            "pattern": str(context.parser.name),
            "function": name,
            "doc": inspect.getdoc(context.step_func) or "",
            "uses": uses[index],
            **_where(context.step_func, root),
        }
    return sorted(entries.values(), key=lambda e: (e["type"], e["pattern"]))
