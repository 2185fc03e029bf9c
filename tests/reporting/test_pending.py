"""Pending work: ``@wip`` scenarios run, fail as "pending", and only ``--strict-wip`` counts
them against the run."""

from __future__ import annotations

import json

import pytest

from tests.conftest import feature
from tests.reporting.test_living_docs import embedded_data

WIP = """
Feature: Gift wrapping
  @wip
  Scenario: Gift wrapping is offered
    When I GET /gift-wrapping
    Then the response status is 200

  @later
  Scenario: Nothing to wrap yet
    When I GET /gift-wrapping
    Then the response status is 200

  Scenario: The catalogue answers
    When I GET /products
    Then the response status is 200
"""


def statuses(project: pytest.Pytester) -> dict[str, str]:
    doc = embedded_data((project.path / "reports" / "living-docs.html").read_text())
    return {
        s["name"]: s["status"] for f in doc["features"] for g in f["groups"] for s in g["scenarios"]
    }


def test_a_failing_wip_scenario_is_pending_and_does_not_fail_the_run(
    project: pytest.Pytester,
) -> None:
    feature(project, WIP.replace("  @later\n", "  @wip\n"))
    result = project.runpytest_subprocess("--cucumber-messages", "run.ndjson")
    result.assert_outcomes(passed=1, xfailed=2)
    assert result.ret == pytest.ExitCode.OK
    envelopes = [json.loads(line) for line in (project.path / "run.ndjson").open()]
    results = [
        e["testStepFinished"]["testStepResult"]["status"]
        for e in envelopes
        if "testStepFinished" in e
    ]
    assert results.count("PENDING") == 2
    assert "FAILED" not in results
    assert envelopes[-1]["testRunFinished"]["success"] is True
    assert statuses(project) == {
        "Gift wrapping is offered": "pending",
        "Nothing to wrap yet": "pending",
        "The catalogue answers": "passed",
    }


def test_strict_wip_makes_a_failing_wip_scenario_fail_the_run(project: pytest.Pytester) -> None:
    feature(project, WIP.replace("  @later\n", ""))
    result = project.runpytest_subprocess("--strict-wip")
    result.assert_outcomes(passed=1, failed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert statuses(project)["Gift wrapping is offered"] == "failed"


def test_the_pending_tag_is_configurable(project: pytest.Pytester) -> None:
    feature(project, WIP)
    result = project.runpytest_subprocess("--wip-tag", "later")
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    assert statuses(project) == {
        "Gift wrapping is offered": "failed",
        "Nothing to wrap yet": "pending",
        "The catalogue answers": "passed",
    }


def test_a_wip_tag_that_is_not_one_name_is_one_usage_line(project: pytest.Pytester) -> None:
    feature(project, WIP)
    result = project.runpytest_subprocess("--wip-tag", "two words")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*api-bdd: --wip-tag 'two words': give one tag name, like wip"])
    assert "Traceback" not in result.stderr.str()


def test_a_pending_scenario_is_not_a_failure_in_the_run_history(
    project: pytest.Pytester,
) -> None:
    """The run passed (pending work does not count against it): its history says so too, so
    the pass rate, "newly failing" and the flaky list are not about work not yet done."""
    from reporting.history import HistoryStore

    feature(project, WIP.replace("  @later\n", "  @wip\n"))
    assert project.runpytest_subprocess().ret == pytest.ExitCode.OK
    with HistoryStore.open(project.path / "reports" / "history.sqlite") as store:
        [run] = store.runs(None, 9)
    assert run.counts["failed"] == 0
    assert run.counts["passed"] == 1
    assert run.counts["skipped"] == 2
