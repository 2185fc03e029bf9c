"""When each scenario's steps are checked: as the scenario starts, by the process that runs it.

``--collect-only`` runs no scenario and checks none; under pytest-xdist each worker checks the
scenarios it runs, not every scenario it collected; ``--check-features`` checks them all and
runs none. A definition's own check (``preflight=``) writes a line per call here, so the tests
count the checks.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.steps.test_session_steps import PROJECT

COUNTED_STEPS = """
import os
from pathlib import Path

from steps import given, then

LOG = Path(__file__).parent / "checks.log"


def counted(found):
    with LOG.open("a") as log:
        log.write(f"{os.getpid()} {found.text}\\n")
    return []


@given("step number {n:d}", preflight=counted)
def step_number(n):
    pass


@then("it fails")
def it_fails():
    raise AssertionError("on purpose")
"""

SCENARIOS = 6


def _project(pytester: pytest.Pytester, *, first_fails: bool = False) -> None:
    conftest = (ROOT / "conftest.py").read_text()
    conftest = conftest.replace('"reporting.plugin",', '"reporting.plugin",\n    "counted_steps",')
    (pytester.path / "conftest.py").write_text(conftest)
    (pytester.path / "counted_steps.py").write_text(COUNTED_STEPS)
    (pytester.path / "pyproject.toml").write_text(PROJECT.format(root=ROOT, profile="counted"))
    scenarios = "".join(
        f"\n  Scenario: number {n}\n    Given step number {n}\n"
        + ("    Then it fails\n" if first_fails and n == 1 else "")
        for n in range(1, SCENARIOS + 1)
    )
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "counted.feature").write_text(f"Feature: Counted\n{scenarios}")


def _checks(pytester: pytest.Pytester) -> list[tuple[str, str]]:
    log = pytester.path / "checks.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [(pid, text) for pid, text in (line.split(" ", 1) for line in lines)]


def test_a_collection_only_run_checks_no_scenario_s_steps(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest_subprocess("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    assert len([line for line in result.stdout.lines if "::" in line]) == SCENARIOS
    assert _checks(pytester) == []


def test_each_xdist_worker_checks_only_the_scenarios_it_runs(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest_subprocess("-n", "2", "--report-data", "data.json")
    result.assert_outcomes(passed=SCENARIOS)
    checks = _checks(pytester)
    assert sorted(text for _, text in checks) == [f"step number {n}" for n in range(1, 7)]
    assert len({pid for pid, _ in checks}) == 2  # both workers ran (and checked) some
    catalog = json.loads((pytester.path / "data.json").read_text())["catalog"]
    assert {e["pattern"]: e["uses"] for e in catalog}["step number {n:d}"] == SCENARIOS


def test_check_features_checks_every_scenario_and_runs_none(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest_subprocess("--check-features")
    assert result.ret == 0
    assert sorted(text for _, text in _checks(pytester)) == [
        f"step number {n}" for n in range(1, 7)
    ]


def test_the_step_catalog_counts_the_steps_of_scenarios_a_stopped_run_never_reached(
    pytester: pytest.Pytester,
) -> None:
    """A run stopped after its first scenario checked only that one: the catalog, written at
    the end, still counts every step the features use."""
    _project(pytester, first_fails=True)
    result = pytester.runpytest_subprocess("--maxfail=1", "--report-data", "data.json")
    result.assert_outcomes(failed=1)
    assert [text for _, text in _checks(pytester)] == ["step number 1"]
    catalog = json.loads((pytester.path / "data.json").read_text())["catalog"]
    uses = {entry["pattern"]: entry["uses"] for entry in catalog}
    assert uses["step number {n:d}"] == SCENARIOS
    assert uses["it fails"] == 1


CATALOG_PROBE = """
import os
from pathlib import Path

import reporting.livingdocs

_build = reporting.livingdocs.build_catalog


def logged(items):
    with (Path(__file__).parent / "catalogs.log").open("a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "controller") + "\\n")
    return _build(items)


reporting.livingdocs.build_catalog = logged
"""

CRASHING_STEP = """

@given("the first worker stops here")
def the_first_worker_stops_here():
    if os.environ.get("PYTEST_XDIST_WORKER") == "gw0":
        os._exit(3)  # a worker that dies mid-run: xdist starts another in its place
"""


def _crashing_project(pytester: pytest.Pytester) -> None:
    """The counted project whose every scenario starts with a step that kills worker gw0."""
    _project(pytester)
    (pytester.path / "counted_steps.py").write_text(COUNTED_STEPS + CRASHING_STEP)
    feature = pytester.path / "features" / "counted.feature"
    feature.write_text(
        feature.read_text().replace(
            "    Given step", "    Given the first worker stops here\n    And step"
        )
    )


def _catalog_builders(pytester: pytest.Pytester) -> list[str]:
    return (pytester.path / "catalogs.log").read_text().split()


def _catalog_uses(pytester: pytest.Pytester) -> dict[str, int]:
    data = json.loads((pytester.path / "data.json").read_text())
    return {entry["pattern"]: entry["uses"] for entry in data["catalog"]}


def test_one_xdist_worker_builds_the_step_catalog_for_the_run(pytester: pytest.Pytester) -> None:
    """Every worker collects every scenario, so one catalog, built by one worker, is the whole
    of it: the others do not spend the time (issue 19)."""
    _project(pytester)
    (pytester.path / "catalog_probe.py").write_text(CATALOG_PROBE)
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "catalog_probe", "--report-data", "data.json"
    )
    result.assert_outcomes(passed=SCENARIOS)
    assert _catalog_builders(pytester) == ["gw0"]
    assert _catalog_uses(pytester)["step number {n:d}"] == SCENARIOS


def test_a_worker_started_in_place_of_the_crashed_catalog_builder_builds_the_catalog(
    pytester: pytest.Pytester,
) -> None:
    _crashing_project(pytester)
    (pytester.path / "catalog_probe.py").write_text(CATALOG_PROBE)
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "catalog_probe", "--report-data", "data.json"
    )
    assert result.parseoutcomes()["failed"] == 1  # the scenario gw0 died in
    result.stdout.fnmatch_lines(["*replacing crashed worker gw0*"])
    assert _catalog_builders(pytester) == ["gw2"]
    uses = _catalog_uses(pytester)
    assert uses["step number {n:d}"] == SCENARIOS
    assert uses["the first worker stops here"] == SCENARIOS


def test_a_run_whose_catalog_builder_crashed_unreplaced_says_the_catalog_is_missing(
    pytester: pytest.Pytester,
) -> None:
    _crashing_project(pytester)
    result = pytester.runpytest_subprocess(
        "-n", "2", "--max-worker-restart", "0", "--living-docs-markdown", "docs.md"
    )
    result.stdout.fnmatch_lines(["*worker gw0 crashed and worker restarting disabled*"])
    summary = (pytester.path / "docs.md").read_text()
    assert "The step catalog is missing: the worker building it stopped" in summary
    # how many gw1 ran before the run stopped varies; every one of the six is accounted for
    reported = re.search(r"\*\*(\d+) scenarios\*\*", summary)
    missing = re.search(
        rf"(\d+) of the {SCENARIOS} tests collected did not run .*?: (.*?)\.\*", summary
    )
    assert reported is not None
    assert missing is not None
    assert int(reported.group(1)) + int(missing.group(1)) == SCENARIOS
    named = missing.group(2).split(", ")
    assert len(named) == int(missing.group(1))  # each one named (up to five)
    assert all(name.startswith("features/counted.feature::test_number_") for name in named)


def test_a_run_stopped_by_maxfail_names_the_scenarios_that_did_not_run(
    pytester: pytest.Pytester,
) -> None:
    """No scenario is left out of the report without a word: those a stopped run never
    started are counted and named at the top of every output."""
    _project(pytester, first_fails=True)
    result = pytester.runpytest_subprocess("--maxfail=1", "--living-docs-markdown", "docs.md")
    result.assert_outcomes(failed=1)
    summary = (pytester.path / "docs.md").read_text()
    assert f"{SCENARIOS - 1} of the {SCENARIOS} tests collected did not run" in summary
    assert "features/counted.feature::test_number_2" in summary
    assert "features/counted.feature::test_number_1" not in summary
