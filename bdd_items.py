"""What pytest-bdd knows about an item: its scenario template, its outline row, its scenario.

pytest-bdd keeps this in process-local registries (they do not cross xdist), so it is read in
the process that collected the item. ``steps`` (to run and check a scenario) and ``reporting``
(to record it) both need it and may not import each other, so the reading is here, once: the
template registry, the outline row's parameter name and pytest-bdd's own reporters' registries
(let go of once read, so a run does not hold a second copy of every scenario) are read in this
module and nowhere else; ``tests/test_private_names.py`` has a test per name that names it when
an upgrade removes it. Imports nothing of ours.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd.reporting import scenario_reports_registry, test_report_context_registry
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


def release_report(report: pytest.TestReport) -> None:
    """Let go of pytest-bdd's copy of a scenario's run held for ``report`` (its steps, feature
    and item, serialised for its Cucumber JSON and Gherkin reporters), once they have read it:
    it is kept while the report lives, and pytest's terminal reporter keeps every report to the
    end of the run (about 4 KB a scenario)."""
    test_report_context_registry.pop(report, None)


def release_item(item: pytest.Item) -> None:
    """Let go of pytest-bdd's record of the item's scenario run (the rendered scenario and a
    report per step) once its last report is made: it is kept while the item lives, to the
    end of the run."""
    scenario_reports_registry.pop(item, None)
