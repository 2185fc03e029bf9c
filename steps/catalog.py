"""The step catalog for the living documentation, from the step index (no scanning).

What an author of the profile's features can use: the generic vocabulary and the profile's own
steps (``steps/<profile>/``) and the project's own, not another profile's domain steps
(``steps/shop/`` is not in httpbin's catalog) nor pytest-bdd's internals, unless the features
use them. Each entry says how many steps of the features
(as written: an outline's step counts once) it serves, and gives an example line: the first
use in the features, or the pattern with its ``<parameters>`` when nothing uses it yet.
"""

from __future__ import annotations

import inspect
import os
import re
from collections import Counter
from typing import Any

import pytest

from bdd_items import template_of
from steps import _bdd
from steps.fixtures import PROFILES, profile_of
from steps.preflight import step_patterns
from steps.registry import registry_of
from steps.suites import steps_package

_PARAMETER = re.compile(r"\{(\w+)(?::[^{}]*)?\}")
_KEYWORD = {"given": "Given", "when": "When", "then": "Then"}


def _where(func: Any, root: str) -> dict[str, Any]:
    """Where the function is written: its file and first line (its first decorator's), read
    from its code object (``inspect.getsourcelines`` would read and tokenize the file)."""
    try:
        path = inspect.getsourcefile(func) or ""
        line = inspect.unwrap(func).__code__.co_firstlineno
    except (AttributeError, TypeError):
        return {}
    return {"uri": os.path.relpath(path, root), "line": line}


def _entry(
    kind: str, pattern: str, func: Any, uses: int, root: str, example: str | None
) -> dict[str, Any]:
    if example is None:  # nothing uses it yet: the pattern, its parameters in <angle brackets>
        example = _KEYWORD.get(kind, "Given") + " " + _PARAMETER.sub(r"<\1>", pattern)
    return {
        "type": kind,
        "pattern": pattern,
        "function": _bdd.name_of(func),
        "doc": inspect.getdoc(func) or "",
        "uses": uses,
        "example": example,
        **_where(func, root),
    }


def _other_profiles_packages(config: pytest.Config) -> tuple[str, ...]:
    """The step packages of the other profiles (``steps.shop.`` when running httpbin), each
    profile's own ``steps`` package or ``steps.<name>``."""
    profiles = config.stash.get(PROFILES, None)
    if profiles is None:
        return ()
    own = steps_package(profile_of(config))
    others = {steps_package(profile) for profile in profiles.profiles.values()} - {own}
    return tuple(sorted(f"{package}." for package in others))


def _uses(session: pytest.Session) -> tuple[Counter[str], dict[str, str]]:
    """How many steps of the features each pattern serves, and its first use as written."""
    uses: Counter[str] = Counter()
    examples: dict[str, str] = {}
    seen: set[tuple[str, int]] = set()
    templates: set[int] = set()  # an outline's later rows: lines counted with its first row
    for item in session.items:  # what the pre-flight matched, each step of a file once
        template = template_of(item)
        if template is None or id(template) in templates:
            continue
        templates.add(id(template))
        scenario = _bdd.steps_of(item)
        filename = scenario.feature.filename
        fresh = [s for s in scenario.steps if (filename, s.line_number) not in seen]
        seen.update((filename, s.line_number) for s in fresh)
        for step, patterns in zip(fresh, step_patterns(item, fresh), strict=True):
            for pattern in patterns:
                uses[pattern] += 1
                if pattern not in examples:
                    # "And I ..." reads as an example only after its Given/When/Then
                    keyword = _KEYWORD.get(step.type, step.keyword.strip())
                    examples[pattern] = f"{keyword} {step.name}"
        _bdd.forget(item)  # the rendered row: not kept to the end of the run
    return uses, examples


def pytest_api_bdd_step_catalog(session: pytest.Session) -> list[dict[str, Any]]:
    root = str(session.config.rootpath)
    raw: dict[str, tuple[str, Any]] = {}
    first = next((i for i in session.items if _bdd.steps_of(i) is not None), None)
    if first is not None:  # pytest-bdd's own definitions (found once)
        for context in _bdd.raw_definitions(first):
            raw[str(context.parser.name)] = (context.type or "any", context.step_func)
    uses, examples = _uses(session)
    # another profile's domain steps and pytest-bdd's internals (its ``trace`` step) are not
    # this profile's vocabulary, unless its features use them
    foreign = ("pytest_bdd.", *_other_profiles_packages(session.config))
    found = [
        ("any" if d.kind == "step" else d.kind, d.pattern, d.func)
        for d in registry_of(session.config).definitions
    ]
    found.extend((kind, p, func) for p, (kind, func) in raw.items())
    entries = [
        _entry(kind, pattern, func, uses[pattern], root, examples.get(pattern))
        for kind, pattern, func in found
        if uses[pattern] or not func.__module__.startswith(foreign)
    ]
    return sorted(entries, key=lambda e: (e["type"], e["pattern"]))
