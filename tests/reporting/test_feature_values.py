"""Values a feature's author wrote are shown as written in the living documentation (issue 9,
item 5): credential shapes are not masked there (known secrets are: tests/reporting/
test_secrets.py; the feature lint refuses a feature that holds one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import bdd_project
from tests.reporting.test_living_docs import embedded_data

HERE = Path(__file__).parent / "feature_values"


def living_docs_steps(pytester: pytest.Pytester) -> list[str]:
    bdd_project(pytester, HERE / "demo_value_steps.py", [HERE / "demo_values.feature"])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    doc = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    [feature] = doc["features"]
    [scenario] = [s for group in feature["groups"] for s in group["scenarios"]]
    return [step["text"] for step in scenario["steps"]]


def test_a_demo_key_in_an_example_is_shown_as_written(pytester: pytest.Pytester) -> None:
    shown = living_docs_steps(pytester)
    assert shown == ['the client would send "X-API-Key: demo-key-0001"']
