"""What pytest-bdd knows about an item: its scenario template, its outline row, its scenario.

pytest-bdd keeps this in process-local registries (they do not cross xdist), so it is read in
the process that collected the item. ``steps`` (to run and check a scenario) and ``reporting``
(to record it) both need it and may not import each other, so the reading is here, once: the
template registry and the outline row's parameter name are read in this module and nowhere
else; ``tests/test_private_names.py`` has a test per name that names it when an upgrade
removes it. Imports nothing of ours.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

# pytest-bdd's parameter holding an outline row (``{column: value}``) in an item's callspec
EXAMPLE = "_pytest_bdd_example"


def template_of(item: pytest.Item) -> Any:
    """The item's scenario template (its outline rows not filled in), or None."""
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]


def scenario_of(item: pytest.Item) -> Any:
    """The item's scenario with its outline row filled in, or None for a plain test."""
    template = template_of(item)
    if template is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get(EXAMPLE, {}) if callspec else {}
    return template.render(example)


def example_of(item: pytest.Item) -> tuple[int, dict[str, str]] | None:
    """The item's outline row as (its index among the rows, its values), or None."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or EXAMPLE not in callspec.params:
        return None
    return callspec.indices[EXAMPLE], callspec.params[EXAMPLE]
