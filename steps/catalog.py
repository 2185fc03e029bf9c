"""The step catalog for the living documentation, from the step index (no scanning).

Every api-bdd definition, and every step written with pytest-bdd's own decorators that the
features use, with how many steps of the features (as written: an outline's step counts once)
each one serves.
"""

from __future__ import annotations

import inspect
import os
from collections import Counter
from typing import Any

import pytest

from steps import _bdd
from steps.registry import REGISTRY


def _where(func: Any, root: str) -> dict[str, Any]:
    """Where the function is written: its file and first line (its first decorator's), read
    from its code object (``inspect.getsourcelines`` would read and tokenize the file)."""
    try:
        path = inspect.getsourcefile(func) or ""
        line = inspect.unwrap(func).__code__.co_firstlineno
    except (AttributeError, TypeError):
        return {}
    return {"uri": os.path.relpath(path, root), "line": line}


def _entry(kind: str, pattern: str, func: Any, uses: int, root: str) -> dict[str, Any]:
    return {
        "type": kind,
        "pattern": pattern,
        "function": _bdd.name_of(func),
        "doc": inspect.getdoc(func) or "",
        "uses": uses,
        **_where(func, root),
    }


def pytest_api_bdd_step_catalog(session: pytest.Session) -> list[dict[str, Any]]:
    root = str(session.config.rootpath)
    uses: Counter[str] = Counter()
    raw: dict[str, tuple[str, Any]] = {}
    seen: set[tuple[str, int]] = set()
    first = next((i for i in session.items if _bdd.steps_of(i) is not None), None)
    if first is not None:  # pytest-bdd's own definitions, used or not (found once)
        for context in _bdd.raw_definitions(first):
            raw[str(context.parser.name)] = (context.type or "any", context.step_func)
    for item in session.items:  # what the pre-flight matched, each step of a file once
        scenario = _bdd.steps_of(item)
        if scenario is None:
            continue
        for line, patterns in item.stash.get(_bdd.PATTERNS_USED, []):
            key = (scenario.feature.filename, line)
            if key not in seen:
                seen.add(key)
                uses.update(patterns)
    entries = [
        _entry("any" if d.kind == "step" else d.kind, d.pattern, d.func, uses[d.pattern], root)
        for d in REGISTRY.definitions
    ]
    entries.extend(_entry(kind, p, func, uses[p], root) for p, (kind, func) in raw.items())
    return sorted(entries, key=lambda e: (e["type"], e["pattern"]))
