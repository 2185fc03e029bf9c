"""What a scenario works with while it runs is let go when it is reported: a run of thousands of
scenarios keeps, per item, no context, no working record and no pre-flight answer to its end
(issue 19: peak memory). Checked with weak references in the process that runs the scenarios."""

from __future__ import annotations

import json

import pytest

from tests.conftest import feature

PROBE = """
import json
import weakref

import pytest

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
            KEPT.append(item.nodeid)


def pytest_sessionfinish(session):
    alive = sorted({what for what, ref in REFS if ref() is not None})
    with open("released.json", "w") as out:
        json.dump({"taken": len(REFS), "alive": alive, "kept": KEPT}, out)
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
