"""Our Cucumber Messages against the Cucumber Compatibility Kit, for the cases that apply.

Each case's feature runs through api-bdd; the NDJSON it writes must have the kit's pickles (names
and step texts, in order) and the kit's step results, test case by test case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cucumber_compatibility_kit
import pytest

from tests.conftest import bdd_project

KIT = Path(cucumber_compatibility_kit.__file__).parent / "features"
HERE = Path(__file__).parent / "cck"


def outline(envelopes: list[dict[str, Any]]) -> list[tuple[str, list[str], list[str]]]:
    """(pickle name, step texts, step statuses) per test case, in the order they ran."""
    pickles = {e["pickle"]["id"]: e["pickle"] for e in envelopes if "pickle" in e}
    cases = {e["testCase"]["id"]: e["testCase"] for e in envelopes if "testCase" in e}
    started: dict[str, str] = {}
    results: dict[str, list[str]] = {}
    order: list[str] = []
    for e in envelopes:
        if "testCaseStarted" in e:
            started[e["testCaseStarted"]["id"]] = e["testCaseStarted"]["testCaseId"]
            order.append(e["testCaseStarted"]["id"])
            results[e["testCaseStarted"]["id"]] = []
        elif "testStepFinished" in e:
            finished = e["testStepFinished"]
            results[finished["testCaseStartedId"]].append(finished["testStepResult"]["status"])
    out = []
    for started_id in order:
        pickle = pickles[cases[started[started_id]]["pickleId"]]
        out.append((pickle["name"], [s["text"] for s in pickle["steps"]], results[started_id]))
    return out


def run_case(pytester: pytest.Pytester, case: str) -> list[dict[str, Any]]:
    bdd_project(pytester, HERE / "cck_steps.py", [KIT / case / f"{case}.feature"])
    pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--no-living-docs",
        "--cucumber-messages",
        "out.ndjson",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
    )
    text = (pytester.path / "out.ndjson").read_text()
    return [json.loads(line) for line in text.splitlines()]


def kit(case: str) -> list[dict[str, Any]]:
    text = (KIT / case / f"{case}.ndjson").read_text()
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize(
    "case", ["minimal", "data-tables", "doc-strings", "examples-tables", "rules", "skipped"]
)
def test_case_matches_the_kit(pytester: pytest.Pytester, case: str) -> None:
    ours = run_case(pytester, case)
    assert outline(ours) == outline(kit(case))
    ours_kinds = {next(iter(e)) for e in ours}
    assert {"source", "gherkinDocument", "pickle", "testCase", "testRunFinished"} <= ours_kinds


def test_undefined_matches_the_kit_but_never_runs_steps_before_an_undefined_one(
    pytester: pytest.Pytester,
) -> None:
    """api-bdd runs no step of a scenario with an undefined one (no request for an authoring
    mistake): where the kit has PASSED before UNDEFINED, we have SKIPPED. Nothing else differs."""
    expected = [
        (name, texts, ["SKIPPED" if s == "PASSED" else s for s in statuses])
        for name, texts, statuses in outline(kit("undefined"))
    ]
    assert outline(run_case(pytester, "undefined")) == expected
