"""A serial run that signs in per scenario keeps no fragments of past scenarios' tokens: the
reporting plugin retires each scenario's tokens when it ends (their whole forms stay masked)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import feature

PROBE = """
import json


def pytest_sessionfinish(session):
    redactor = session.config.pluginmanager.get_plugin("api-bdd-reporting").redactor
    with open("redactor.json", "w") as out:
        json.dump({"fragments": redactor.fragments, "known": redactor.known}, out)
"""


def sign_ins(project: pytest.Pytester, scenarios: int) -> dict[str, int]:
    rows = "\n".join(f"      | {n} |" for n in range(scenarios))
    feature(
        project,
        f"""Feature: Sign-ins
  Scenario Outline: Signed in, time <n>
    Given I am signed in
    When I look up my account
    Then I see my user profile

    Examples:
      | n |
{rows}
""",
    )
    project.makepyfile(probe=PROBE)
    result = project.runpytest_subprocess("-p", "probe", "--no-living-docs")
    result.assert_outcomes(passed=scenarios)
    found: dict[str, int] = json.loads((project.path / "redactor.json").read_text())
    return found


def test_a_run_that_signs_in_per_scenario_keeps_no_fragments_of_past_tokens(
    project: pytest.Pytester,
) -> None:
    one, eight = sign_ins(project, 1), sign_ins(project, 8)
    assert eight["known"] >= one["known"] + 7  # a token per scenario, each still masked
    assert eight["fragments"] == one["fragments"]
