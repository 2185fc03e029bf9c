"""The suite against a faulty demo API: retries visible, permanent faults fast, down API fast."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import run_repo
from tests.steps.test_running_the_features import SHOP_SCENARIOS

TRANSIENT = [
    "--demo-fault-rate",
    "0.3",
    "--demo-fault-seed",
    "11",
    "--demo-fault-mix",
    "503-retry-after-seconds=1,429=1,reset-before-response=1,lost-after-commit=1,reset-mid-body=1",
    "--demo-retry-after",
    "0",
]


def test_transient_faults_pass_with_every_retry_listed_and_in_junit(
    pytester: pytest.Pytester,
) -> None:
    junit = pytester.path / "junit.xml"
    result = run_repo(pytester, "features/shop", *TRANSIENT, "--junitxml", junit)
    result.assert_outcomes(passed=SHOP_SCENARIOS)
    out = result.stdout.str()
    assert "api-bdd: requests that needed retries" in out
    listed = re.findall(r"^passed after retries: (\S+): (\d+) retried request", out, re.M)
    assert listed
    summary = re.search(
        rf"^(\d+) of {SHOP_SCENARIOS} scenarios passed only after retries", out, re.M
    )
    assert summary is not None
    assert int(summary.group(1)) == len(listed)
    properties = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.parse(junit).iter("testcase")
    }
    retried = {name: props for name, props in properties.items() if props}
    assert len(retried) == len(listed)
    for props in retried.values():
        assert int(props["api_retried_requests"] or 0) >= 1
        assert props["api_retry_reasons"]
    assert re.search(r"^demo API: \d+ requests, \d+ faults injected \(rate 0.3, seed 11", out, re.M)


def test_the_same_faults_fail_scenarios_with_retries_off(pytester: pytest.Pytester) -> None:
    result = run_repo(pytester, "features/shop", *TRANSIENT, "--retries", "0")
    assert result.parseoutcomes().get("failed", 0) >= 3
    assert "passed after retries" not in result.stdout.str()


def test_an_api_that_fails_everything_ends_fast_saying_it_looks_down(
    pytester: pytest.Pytester,
) -> None:
    result = run_repo(
        pytester,
        "features/shop",
        "--demo-fault-rate",
        "1.0",
        "--demo-fault-mix",
        "502=1,reset-before-response=1",
        "--demo-retry-after",
        "0",
    )
    result.assert_outcomes(failed=SHOP_SCENARIOS)
    out = result.stdout.str()
    assert "the API looks down" in out
    served = re.search(r"^demo API: (\d+) requests, (\d+) faults injected", out, re.M)
    assert served is not None
    requests, faults = int(served.group(1)), int(served.group(2))
    assert requests == faults
    allowed = SHOP_SCENARIOS * 5  # one sign-in per scenario, 5 attempts each
    assert requests < allowed / 2


PERMANENT_500 = """
import demo_api.store

def broken(self, *args, **kwargs):
    raise RuntimeError("the product table is on fire")

demo_api.store.Store.create_product = broken
"""


def test_a_permanent_500_fails_on_the_first_attempt(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(always500=PERMANENT_500)
    result = run_repo(
        pytester,
        "features/shop/products/catalogue.feature",
        "-p",
        "always500",
        "-k",
        "adding",
    )
    result.assert_outcomes(failed=1)
    result.stdout.re_match_lines(
        [
            r"AssertionError: POST http://127\.0\.0\.1:\d+/products -> 500,"
            r" expected 201: internal error$"
        ]
    )
    assert "attempts" not in result.stdout.str()
    assert "retries" not in result.stdout.str()
