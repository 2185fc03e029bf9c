"""The report files as outputs: a crashed worker's scenario, unwritable paths (at start-up and at
the end), and extra sections from other plugins (``pytest_api_bdd_report_sections``)."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import bdd_project
from tests.reporting.test_living_docs import embedded_data, scenarios

STEPS = '''
"""Steps of the scratch projects below: none of them sends a request."""

import os
from pathlib import Path

from pytest_bdd import given


@given("the worker dies")
def worker_dies() -> None:
    os._exit(3)


@given("nothing happens")
def nothing_happens() -> None:
    pass


@given("the report's place is taken by a directory")
def report_place_taken() -> None:
    Path("reports/living-docs.html").mkdir(parents=True)
'''


def project(pytester: pytest.Pytester, *scenario_steps: str) -> None:
    source = pytester.mkdir("src")  # bdd_project copies from here into the project
    steps = source / "scratch_steps.py"
    steps.write_text(textwrap.dedent(STEPS))
    feature = source / "outputs.feature"
    body = "".join(
        f"\n  Scenario: Scenario {n}\n    Given {step}\n"
        for n, step in enumerate(scenario_steps, start=1)
    )
    feature.write_text(f"Feature: Report outputs\n{body}")
    bdd_project(pytester, steps, [feature])


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


# -- issue 9, item 13 -------------------------------------------------------------------------
def test_a_crashed_workers_scenario_is_reported_failed_with_the_crash(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "the worker dies", "nothing happens")
    result = run(pytester, "-n", "2", "--cucumber-messages", "run.ndjson")
    result.assert_outcomes(passed=1, failed=1)
    doc = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    found = scenarios(doc)
    assert found["Scenario 2"]["status"] == "passed"
    crashed = found["Scenario 1"]
    assert crashed["status"] == "failed"
    assert "crashed while running" in crashed["error"]
    assert doc["summary"]["scenarios"]["failed"] == 1
    envelopes = [
        json.loads(line) for line in (pytester.path / "run.ndjson").read_text().splitlines()
    ]
    assert sum(1 for e in envelopes if "testCase" in e) == 2
    results = [
        e["testStepFinished"]["testStepResult"] for e in envelopes if "testStepFinished" in e
    ]
    failed = [r for r in results if r["status"] == "FAILED"]
    assert len(failed) == 1
    assert "crashed while running" in failed[0]["message"]


# -- issue 9, item 17 -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "flag", ["--living-docs", "--living-docs-markdown", "--cucumber-messages", "--junitxml"]
)
def test_an_unwritable_report_path_is_one_error_line_before_any_test(
    pytester: pytest.Pytester, flag: str
) -> None:
    project(pytester, "nothing happens")
    (pytester.path / "blocker").write_text("a file, not a directory")
    result = run(pytester, f"{flag}=blocker/out.file")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert errors == [
        f"ERROR: api-bdd: cannot write {flag} {pytester.path}/blocker/out.file:"
        f" {pytester.path}/blocker is not a directory"
    ]
    assert "passed" not in result.stdout.str()
    assert not (pytester.path / "reports").exists()


def test_a_report_that_cannot_be_written_at_the_end_spares_the_others(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "the report's place is taken by a directory")
    result = run(
        pytester,
        "--cucumber-messages",
        "run.ndjson",
        "--living-docs-markdown",
        "summary.md",
        "--junitxml",
        "junit.xml",
    )
    result.assert_outcomes(passed=1)
    assert result.ret != pytest.ExitCode.OK
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output
    assert "INTERNALERROR" not in output
    failures = [line for line in result.stdout.lines if "could not write" in line]
    assert failures == [
        f"api-bdd: could not write {pytester.path}/reports/living-docs.html: Is a directory"
    ]
    assert (pytester.path / "run.ndjson").read_text().count("testCaseFinished") == 1
    assert "**1 scenario**" in (pytester.path / "summary.md").read_text()
    assert (pytester.path / "junit.xml").exists()


# -- the extension point ----------------------------------------------------------------------
SECTIONS_PLUGIN = """

def pytest_api_bdd_report_sections(config):
    return [
        {
            "id": "coverage",
            "title": "API coverage",
            "html": "<p class='coverage'>3 of 4 operations <b>covered</b></p>",
            "markdown": "3 of 4 operations covered",
            "properties": {"api_operations_covered": "3", "api_operations": "4"},
        }
    ]
"""


def test_report_sections_from_a_plugin_reach_html_markdown_and_junit(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "nothing happens")
    conftest = pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text() + SECTIONS_PLUGIN)
    result = run(
        pytester, "--living-docs-markdown", "summary.md", "--junitxml", "junit.xml", "-n", "2"
    )
    result.assert_outcomes(passed=1)
    html = (pytester.path / "reports" / "living-docs.html").read_text()
    assert '<section class="feature extra" id="coverage">' in html
    assert "<h2>API coverage</h2>" in html
    assert "<p class='coverage'>3 of 4 operations <b>covered</b></p>" in html
    markdown = (pytester.path / "summary.md").read_text()
    assert "### API coverage\n\n3 of 4 operations covered\n" in markdown
    suite = ET.parse(pytester.path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"api_operations_covered": "3", "api_operations": "4"}


def test_report_sections_are_redacted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-section-value-0123456789"
    monkeypatch.setenv("API_KEY", secret)
    project(pytester, "nothing happens")
    conftest = pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text() + SECTIONS_PLUGIN.replace("3 of 4", secret))
    result = run(pytester, "--living-docs-markdown", "summary.md", "--junitxml", "junit.xml")
    result.assert_outcomes(passed=1)
    for name in ("reports/living-docs.html", "summary.md"):
        text = (pytester.path / name).read_text()
        assert secret not in text
        assert "*** operations" in text


# -- issue 11: memory ---------------------------------------------------------------------------
def test_the_page_is_written_a_feature_at_a_time_and_reads_back_whole() -> None:
    from reporting.html import render_html, write_html
    from tests.reporting.generated import generated_document

    document = generated_document(100)  # 4 features of 25 scenarios
    pieces: list[str] = []
    write_html(document, None, pieces.append)
    page = "".join(pieces)
    assert page == render_html(document)
    assert embedded_data(page)["features"] == json.loads(json.dumps(document["features"]))
    whole = len(json.dumps(document["features"]))
    assert len(pieces) >= len(document["features"]) + 2
    assert max(len(p) for p in pieces) < whole / 2  # never the whole data in one piece


KEEPER = """
import pytest

SEEN = []


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report):
    SEEN.append(report)


def pytest_terminal_summary(terminalreporter):
    kept = [r for r in SEEN if hasattr(r, "api_bdd_scenario")]
    terminalreporter.write_line(f"reports still holding a record: {len(kept)} of {len(SEEN)}")
"""


def test_reports_let_go_of_the_scenario_record_once_every_plugin_has_read_it(
    pytester: pytest.Pytester,
) -> None:
    """pytest's terminal reporter keeps every report until the end of the run: a record left on
    each would keep every scenario's evidence in memory twice."""
    project(pytester, "nothing happens", "nothing happens")
    pytester.makepyfile(keeper=KEEPER)
    result = run(pytester, "-p", "keeper")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["reports still holding a record: 0 of 6"])
    data = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    assert len(scenarios(data)) == 2  # the living docs had them
