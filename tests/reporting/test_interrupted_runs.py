"""A run stopped by SIGTERM (what CI sends on cancel or timeout) is handled like Ctrl-C: the
clean-ups run, every report is written and valid, and the scenario that was running is in
each of them as interrupted, with its exchanges so far."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cucumber_messages import Envelope, message_converter

from tests.conftest import ROOT
from tests.reporting.test_living_docs import embedded_data, scenarios
from tests.stub_server import Stub, StubHandler, stub_server

FEATURE = """
Feature: Stopping
  Scenario: Fast
    When I GET /fast
    Then the response status is 200

  Scenario: Slow
    When to clean up, I DELETE /things/1
    And I GET /fast
    And I GET /slow
    Then the response status is 200

  Scenario: Never reached
    When I GET /fast
"""


@pytest.fixture
def api() -> Iterator[tuple[Stub, threading.Event]]:
    """A loopback API whose /slow says it has the request, then holds it until the test ends."""
    received, release = threading.Event(), threading.Event()
    with stub_server() as stub:

        @stub.route("/fast")
        def fast(handler: StubHandler) -> None:
            handler.reply(200, b'{"ok": true}')

        @stub.route("/slow")
        def slow(handler: StubHandler) -> None:
            received.set()
            release.wait()

        @stub.route("/things/1")
        def thing(handler: StubHandler) -> None:
            handler.reply(204, b"")

        try:
            yield stub, received
        finally:
            release.set()


def _project(path: Path, url: str) -> None:
    shutil.copy(ROOT / "conftest.py", path / "conftest.py")
    (path / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.pytest.ini_options]
            pythonpath = ["{ROOT}"]
            [tool.api-bdd]
            default = "stub"
            [tool.api-bdd.profiles.stub]
            base_url = "{url}"
            features = ["features"]
            """
        )
    )
    (path / "features").mkdir()
    (path / "features" / "stopping.feature").write_text(FEATURE.lstrip())


def _terminated_run(
    path: Path, received: threading.Event, *args: str
) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess, sent SIGTERM once the API holds the request of 'Slow'."""
    reports = [
        "--living-docs=reports/docs.html",
        "--living-docs-markdown=reports/summary.md",
        "--cucumber-messages=reports/run.ndjson",
        "--junitxml=reports/junit.xml",
        "--cucumberjson=reports/cucumber.json",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *reports, *args],
        cwd=path,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert received.wait(timeout=120), "the scenario never reached /slow"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _check_every_report(path: Path, stub: Stub, *, cucumber_json: bool = True) -> None:
    reports = path / "reports"
    # the clean-up ran
    assert [(s.method, s.path) for s in stub.state.seen if s.method == "DELETE"] == [
        ("DELETE", "/things/1")
    ]

    html = (reports / "docs.html").read_text()
    records = scenarios(embedded_data(html))
    assert records["Fast"]["status"] == "passed"
    assert "Never reached" not in records
    slow = records["Slow"]
    assert slow["status"] == "failed"
    assert slow["interrupted"].startswith("interrupted (SIGTERM)")
    steps = {s["text"]: s for s in slow["steps"]}
    assert [e["status"] for e in steps["I GET /fast"]["exchanges"]] == [200]
    assert steps["I GET /slow"]["status"] == "failed"
    assert "interrupted (SIGTERM)" in steps["I GET /slow"]["error"]
    assert [(e["method"], e["status"]) for e in slow["after"]] == [("DELETE", 204)]
    assert "This run was interrupted (SIGTERM)" in embedded_data(html)["notices"][0]

    summary = (reports / "summary.md").read_text()
    assert "Slow (interrupted)" in summary
    assert "This run was interrupted (SIGTERM)" in summary

    envelopes = [json.loads(line) for line in (reports / "run.ndjson").read_text().splitlines()]
    for envelope in envelopes:  # each one a valid Cucumber message
        message_converter.from_dict(envelope, Envelope)
    failed = [
        e["testStepFinished"]["testStepResult"]
        for e in envelopes
        if e.get("testStepFinished", {}).get("testStepResult", {}).get("status") == "FAILED"
    ]
    assert any("interrupted (SIGTERM)" in r.get("message", "") for r in failed)
    assert envelopes[-1]["testRunFinished"]["success"] is False

    junit = ET.parse(reports / "junit.xml").getroot()
    cases = {case.get("name"): case for case in junit.iter("testcase")}
    slow_case = next(c for name, c in cases.items() if name and "slow" in name.lower())
    assert [child.tag for child in slow_case if child.tag in ("error", "failure")] == ["error"]
    assert "interrupted (SIGTERM)" in (slow_case.find("error").get("message") or "")  # type: ignore[union-attr]
    suite = next(junit.iter("testsuite"))
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("2", "1", "0")

    cucumber: list[dict[str, Any]] = json.loads((reports / "cucumber.json").read_text())
    if cucumber_json:  # pytest-bdd's own file; under xdist it stays empty (its state stays put)
        elements = [e["name"] for feature in cucumber for e in feature["elements"]]
        assert elements == ["Fast", "Slow"]


def test_sigterm_finishes_the_running_scenario_as_interrupted_in_every_report(
    pytester: pytest.Pytester, api: tuple[Stub, threading.Event]
) -> None:
    stub, received = api
    _project(pytester.path, stub.url)
    result = _terminated_run(pytester.path, received)
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    _check_every_report(pytester.path, stub)


def test_sigterm_to_the_xdist_controller_reaches_the_worker_that_runs_the_scenario(
    pytester: pytest.Pytester, api: tuple[Stub, threading.Event]
) -> None:
    stub, received = api
    _project(pytester.path, stub.url)
    result = _terminated_run(pytester.path, received, "-n", "1")
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout + result.stderr
    _check_every_report(pytester.path, stub, cucumber_json=False)


def test_an_interrupted_run_is_not_appended_to_the_run_history(
    pytester: pytest.Pytester, api: tuple[Stub, threading.Event]
) -> None:
    """A run stopped half-way is partial: kept in the history, its scenarios that never ran
    ('Never reached') would read as removed since the last run, and as new in the next one."""
    from reporting.history import HistoryStore

    stub, received = api
    _project(pytester.path, stub.url)
    result = _terminated_run(pytester.path, received)
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout + result.stderr
    history = pytester.path / "reports" / "history.sqlite"
    assert f"api-bdd: history: this run was interrupted: not appended to {history}" in (
        result.stdout
    )
    with HistoryStore.open(history) as store:
        assert store.runs(None, 9) == []
