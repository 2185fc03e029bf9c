"""Operation coverage: collected from the scenario records, shown in the living docs, enforced."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from models.breaking import Change
from models.coverage import Coverage
from models.generate import ROOT
from models.openapi import load_document
from reporting.contract_sections import breaking_section, coverage_section
from tests.conftest import bdd_project

SHOP = load_document("tests/suites/shop/models/shop.openapi.json", ROOT)
SAMPLE = Path(__file__).parent / "coverage_sample"
BASE = "http://127.0.0.1:8000"


def test_every_declared_status_of_every_operation_is_a_row() -> None:
    rows = Coverage(SHOP).rows
    assert ("POST /orders", "409") in [(r.operation, r.status) for r in rows]
    assert len(rows) == sum(
        len(op["responses"]) for item in SHOP["paths"].values() for op in item.values()
    )
    assert not any(row.exercised for row in rows)


def test_an_exchange_counts_for_its_operation_template_and_status() -> None:
    coverage = Coverage(SHOP)
    coverage.record("GET", f"{BASE}/products/7?x=1", 200, "Reading a product")
    coverage.record("GET", f"{BASE}/products/8", 200, "Reading a product")
    coverage.record("GET", f"{BASE}/products/9", 200, "Listing")
    coverage.record("POST", f"{BASE}/orders", 409, "Too many")
    exercised = {(r.operation, r.status): r.scenarios for r in coverage.rows if r.exercised}
    assert exercised == {
        ("GET /products/{product_id}", "200"): ["Reading a product", "Listing"],
        ("POST /orders", "409"): ["Too many"],
    }
    assert coverage.totals().exercised == 2


def test_undeclared_answers_are_kept_apart_not_counted() -> None:
    coverage = Coverage(SHOP)
    coverage.record("GET", f"{BASE}/products/7", 500, "Boom")
    coverage.record("GET", f"{BASE}/nowhere", 200, "Lost")
    coverage.record("GET", f"{BASE}/products/7", 0, "No answer")
    assert coverage.totals().exercised == 0
    assert coverage.undeclared == {
        ("GET /products/{product_id}", "500"): ["Boom"],
        ("GET /nowhere", "200"): ["Lost"],
    }


def test_status_ranges_and_default_count_for_the_declared_key() -> None:
    response = {"description": "d"}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {"get": {"responses": {"200": response, "4XX": response, "default": response}}}
        },
    }
    coverage = Coverage(document)
    coverage.record("GET", "http://h/pets", 404, "Missing")
    coverage.record("GET", "http://h/pets", 503, "Down")
    assert [(r.status, r.scenarios) for r in coverage.rows] == [
        ("200", []),
        ("4XX", ["Missing"]),
        ("default", ["Down"]),
    ]
    assert str(coverage.totals()) == "2 of 3 operation responses (66.7%)"


def test_the_section_has_totals_rows_and_junit_properties() -> None:
    coverage = Coverage(SHOP)
    coverage.record("POST", f"{BASE}/orders", 201, "An <order> | placed")
    coverage.record("GET", f"{BASE}/products/7", 500, "Boom")
    section = coverage_section(coverage)
    declared = len(coverage.rows)
    assert section["id"] == "operation-coverage"
    assert section["properties"] == {
        "api_coverage": f"1 of {declared} operation responses ({100 / declared:.1f}%)",
        "api_coverage_percent": f"{100 / declared:.1f}",
        "api_coverage_exercised": "1",
        "api_coverage_declared": str(declared),
    }
    assert "| `POST /orders` | 201 | ✅ | An <order> \\| placed |" in section["markdown"]
    assert "| `POST /orders` | 409 | — |  |" in section["markdown"]
    assert "- `GET /products/{product_id}` 500: Boom" in section["markdown"]
    assert "An &lt;order&gt; | placed" in section["html"]  # autoescaped
    assert "<order>" not in section["html"]
    assert section["html"].count('<tr class="covered">') == 1
    assert section["html"].count('<tr class="missed">') == declared - 1


def test_the_breaking_changes_section_lists_and_counts() -> None:
    changes = [
        Change("GET /x", "field removed", "200 application/json", "a removed", True),
        Change("GET /y", "operation added", "", "operation added", False),
    ]
    section = breaking_section(changes)
    assert section["properties"] == {"api_breaking_changes": "1"}
    assert "| `GET /x` | 200 application/json | a removed | yes |" in section["markdown"]
    assert section["html"].count('class="breaking"') == 1


def coverage_run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    bdd_project(pytester, SAMPLE / "coverage_steps.py", [SAMPLE / "orders.feature"])
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_a_run_shows_its_coverage_in_every_report(pytester: pytest.Pytester) -> None:
    result = coverage_run(
        pytester, "-n", "2", "--junitxml", "junit.xml", "--living-docs-markdown", "summary.md"
    )
    result.assert_outcomes(passed=2)
    (line,) = [out for out in result.outlines if out.startswith("api-bdd: operation coverage:")]
    # token 200, product 201, order 201 and 409, clean-up: DELETE /orders 204, /products 204
    found = re.fullmatch(r"api-bdd: operation coverage: (6 of (\d+) operation responses .*)", line)
    assert found is not None
    junit = ET.parse(pytester.path / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["api_coverage"] == found.group(1)
    assert properties["api_coverage_exercised"] == "6"
    assert properties["api_coverage_declared"] == found.group(2)
    markdown = (pytester.path / "summary.md").read_text()
    assert "| `POST /orders` | 409 | ✅ | Too many |" in markdown
    html = (pytester.path / "reports" / "living-docs.html").read_text()
    assert '<tr class="covered"><td><code>POST /orders</code></td>' in html


def test_min_coverage_fails_a_run_below_it(pytester: pytest.Pytester) -> None:
    result = coverage_run(pytester, "--no-living-docs", "--min-coverage", "90")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["api-bdd: FAIL: operation coverage *% is below --min-coverage 90%"]
    )


def test_min_coverage_passes_a_run_above_it(pytester: pytest.Pytester) -> None:
    result = coverage_run(pytester, "--no-living-docs", "--min-coverage", "5")
    assert result.ret == pytest.ExitCode.OK


def test_min_coverage_without_a_document_is_a_usage_error(pytester: pytest.Pytester) -> None:
    bdd_project(pytester, ROOT / "tests" / "reporting" / "sample" / "sample_steps.py", [])
    result = pytester.runpytest_subprocess("--min-coverage", "50")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*api-bdd: --min-coverage needs an OpenAPI document*"])
