"""What a scenario works with while it runs is let go when it is reported: a run of thousands of
scenarios keeps, per item, no context, no working record, no pre-flight answer and none of
pytest-bdd's records of the run to its end (issue 19: peak memory). Checked with weak references
in the process that runs the scenarios; pytest-bdd's own reporters still read what they need."""

from __future__ import annotations

import json

import pytest

from tests.conftest import feature

PROBE = """
import json
import weakref

import pytest
from pytest_bdd.reporting import scenario_reports_registry, test_report_context_registry

from reporting import recorder

REFS = []  # (what, weak reference) taken while a scenario runs
KEPT = []  # items that still hold the recorder's state once reported


def pytest_bdd_after_step(request, step):
    REFS.append(("context", weakref.ref(request.getfixturevalue("ctx"))))
    REFS.append(("working state", weakref.ref(recorder.working(request.node))))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_protocol(item):
    try:
        return (yield)
    finally:
        if recorder.WORKING in item.stash or recorder.RESOLVED in item.stash:
            KEPT.append(("recorder", item.nodeid))
        if item in scenario_reports_registry:
            KEPT.append(("pytest-bdd's scenario report", item.nodeid))


def pytest_terminal_summary(terminalreporter):
    alive = sorted({what for what, ref in REFS if ref() is not None})
    reports = [r for kept in terminalreporter.stats.values() for r in kept]
    reports = [r for r in reports if isinstance(r, pytest.TestReport)]
    copies = sum(1 for r in reports if r in test_report_context_registry)
    with open("released.json", "w") as out:
        json.dump({"taken": len(REFS), "alive": alive, "kept": KEPT, "copies": copies}, out)
"""


def test_a_scenarios_working_state_and_context_are_released_when_it_is_reported(
    project: pytest.Pytester,
) -> None:
    feature(
        project,
        """Feature: Catalogue
  Scenario: The catalogue answers
    When I GET /products
    Then the response status is 200

  Scenario: The catalogue answers again
    When I GET /products
    Then the response status is 200
""",
    )
    project.makepyfile(probe=PROBE)
    result = project.runpytest_subprocess("-p", "probe", "--no-living-docs")
    result.assert_outcomes(passed=2)
    found = json.loads((project.path / "released.json").read_text())
    assert found["taken"] == 8  # two of each per step, two steps, two scenarios
    assert found["alive"] == []
    assert found["kept"] == []
    assert found["copies"] == 0  # pytest-bdd's copy of each scenario's run, for its reporters


def test_pytest_bdds_cucumber_json_still_has_every_step_of_every_scenario(
    project: pytest.Pytester,
) -> None:
    feature(
        project,
        """Feature: Catalogue
  Scenario: The catalogue answers
    When I GET /products
    Then the response status is 200
""",
    )
    result = project.runpytest_subprocess("--no-living-docs", "--cucumberjson=cucumber.json")
    result.assert_outcomes(passed=1)
    (written,) = json.loads((project.path / "cucumber.json").read_text())
    (scenario,) = written["elements"]
    steps = [(s["keyword"], s["name"], s["result"]["status"]) for s in scenario["steps"]]
    assert steps == [
        ("When", "I GET /products", "passed"),
        ("Then", "the response status is 200", "passed"),
    ]
