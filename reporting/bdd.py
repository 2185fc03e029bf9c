"""What pytest-bdd knows about an item: its rendered scenario.

pytest-bdd keeps this in process-local registries (they do not cross xdist), so it is read in
the process that collected the item and turned into plain data there.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry


def template_of(item: pytest.Item) -> Any:
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]


def scenario_of(item: pytest.Item) -> Any:
    """The item's scenario with its outline row filled in, or None for a plain test."""
    template = template_of(item)
    if template is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    return template.render(example)
