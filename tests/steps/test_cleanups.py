"""Clean-up: a failed one fails the teardown everywhere; a path deleted by the scenario stays
deleted (its clean-up is dropped, so an id the API hands out again is never deleted)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.reporting.test_living_docs import embedded_data, scenarios
from tests.steps.test_any_api import echo, write

__all__ = ["echo"]  # the fixture, shared with the tests of any API

REFUSED = """
Feature: Clean-up outcomes
  Scenario: Refused
    When to clean up, I DELETE /status/409
    And I GET /get
    Then the response status is 200

  Scenario: Already gone
    When to clean up, I DELETE /status/404
    And I GET /get
    Then the response status is 200
"""


def test_a_refused_clean_up_fails_the_teardown_in_every_report_and_the_exit_status(
    echo: pytest.Pytester,
) -> None:
    write(echo, "gone.feature", REFUSED)
    reports = echo.path / "reports"
    result = echo.runpytest_subprocess(
        f"--living-docs={reports / 'docs.html'}",
        f"--living-docs-markdown={reports / 'summary.md'}",
        f"--cucumber-messages={reports / 'run.ndjson'}",
        f"--junitxml={reports / 'junit.xml'}",
    )
    result.assert_outcomes(passed=2, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    evidence = "DELETE http://127.0.0.1:*/status/409 -> 409"
    result.stdout.fnmatch_lines([f"CleanupError: clean-up failed: {evidence}"])
    assert "steps/context.py" not in result.stdout.str()  # one line, no fixture traceback
    assert "PytestWarning" not in result.stdout.str()

    records = scenarios(embedded_data((reports / "docs.html").read_text()))
    refused, gone = records["Refused"], records["Already gone"]
    assert refused["status"] == "failed"
    assert "/status/409 -> 409" in refused["teardown_error"]
    assert [e["status"] for e in refused["after"]] == [409]
    assert gone["status"] == "passed"
    assert gone["teardown_error"] is None

    summary = (reports / "summary.md").read_text()
    assert "Refused" in summary
    assert "teardown failed: CleanupError: clean-up failed" in summary

    envelopes = [json.loads(line) for line in (reports / "run.ndjson").read_text().splitlines()]
    failed = [
        e["testStepFinished"]["testStepResult"]
        for e in envelopes
        if e.get("testStepFinished", {}).get("testStepResult", {}).get("status") == "FAILED"
    ]
    assert len(failed) == 1
    assert "/status/409 -> 409" in failed[0]["message"]
    attached = [e["attachment"]["fileName"] for e in envelopes if "attachment" in e]
    assert any(name.startswith("DELETE") and "409" in name for name in attached)
    assert envelopes[-1]["testRunFinished"]["success"] is False

    errors = ET.parse(reports / "junit.xml").getroot().iter("error")
    assert ["clean-up failed" in (e.get("message") or "") for e in errors] == [True]


def test_a_path_the_scenario_deleted_itself_is_not_deleted_again_by_its_clean_up(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "deleted.feature",
        """
        Feature: Deleting what was created
          Scenario: The scenario deletes it itself
            When to clean up, I DELETE /anything/things/7
            And to clean up, I DELETE /anything/things/8
            And I DELETE /anything/things/7/
            Then the response status is 200
        """,
    )
    living = echo.path / "docs.html"
    result = echo.runpytest_subprocess(f"--living-docs={living}")
    result.assert_outcomes(passed=1)
    record = scenarios(embedded_data(living.read_text()))["The scenario deletes it itself"]
    # the id may already be another scenario's (json-server reuses them): only 8 is cleaned up
    assert [e["url"].rsplit("/", 2)[-2:] for e in record["after"]] == [["things", "8"]]
