"""The specification view's arrangement: capabilities, Backgrounds, plurals (plain data)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reporting.document import build_document
from reporting.markdown import render_markdown
from reporting.record_types import ScenarioRecord
from reporting.spec import capability_of, plural, title
from tests.conftest import Shop, feature, run_repo
from tests.reporting.test_living_docs import embedded_data


def _step(line: int, text: str, background: bool) -> dict[str, Any]:
    return {
        "keyword": "Given",
        "text": text,
        "line": line,
        "background": background,
        "datatable": None,
        "docstring": None,
        "status": "passed",
        "exchanges": [],
    }


def _record(uri: str, line: int, rule: str | None, steps: list[dict[str, Any]]) -> ScenarioRecord:
    return {  # type: ignore[typeddict-item]  # the keys the spec reads, no more
        "id": f"{uri}::{line}",
        "feature": {"uri": uri, "keyword": "Feature", "name": uri, "description": "", "tags": []},
        "rule": None if rule is None else {"keyword": "Rule", "name": rule, "tags": []},
        "name": f"scenario {line}",
        "line": line,
        "tags": [],
        "example": None,
        "status": "passed",
        "steps": steps,
        "after": [],
    }


def test_plural_reads_in_the_singular_for_one() -> None:
    assert [plural(n, "scenario") for n in (0, 1, 2)] == [
        "0 scenarios",
        "1 scenario",
        "2 scenarios",
    ]


def test_the_markdown_summary_reads_in_the_singular_for_one() -> None:
    records = [_record("f/a.feature", 3, None, [_step(2, "x", False)])]
    doc = build_document(records, [], generated_at="now", base_url="u", duration=0.0)
    text = render_markdown(doc)
    assert "**1 scenario**: 1 passed." in text
    assert "0 requests retried" in text


def test_a_capability_is_the_folder_under_the_profiles_feature_folder() -> None:
    folders = ["features/shop"]
    assert capability_of("features/shop/orders/checkout.feature", folders) == "features/shop/orders"
    assert capability_of("features/shop/orders/deep/x.feature", folders) == "features/shop/orders"
    assert capability_of("features/shop/top.feature", folders) == "features/shop"
    assert capability_of("elsewhere/a/b.feature", folders) == "elsewhere/a"
    assert title("user_accounts") == "User accounts"


def test_the_functional_coverage_counts_each_capability_and_its_operations() -> None:
    records = [
        _record("features/api/orders/a.feature", 3, None, [_step(2, "x", False)]),
        _record("features/api/orders/b.feature", 3, None, [_step(2, "x", False)]),
        _record("features/api/users/c.feature", 3, None, [_step(2, "x", False)]),
    ]
    records[1]["status"] = "pending"
    doc = build_document(
        records,
        [],
        generated_at="now",
        base_url="http://127.0.0.1:1",
        duration=0.0,
        run={"features": ["features/api"]},
        operations={"features/api/orders/a.feature::3": ["GET /orders"]},
    )
    rows = [
        (c["name"], c["features_label"], c["counts"], c["operations"]) for c in doc["capabilities"]
    ]
    assert rows == [
        ("Orders", "2 features", {"passed": 1, "pending": 1}, ["GET /orders"]),
        ("Users", "1 feature", {"passed": 1}, []),
    ]
    assert doc["summary"]["scenarios"]["pending"] == 1
    assert doc["summary"]["total_label"] == "3 scenarios"


def test_a_rules_background_is_kept_apart_from_the_features() -> None:
    feature_bg, rule_bg = _step(4, "I am signed in", True), _step(9, "a header", True)
    records = [
        _record("f/a.feature", 6, None, [feature_bg, _step(7, "plain", False)]),
        _record("f/a.feature", 11, "R", [feature_bg, rule_bg, _step(12, "in rule", False)]),
    ]
    doc = build_document(records, [], generated_at="now", base_url="u", duration=0.0)
    feature = doc["features"][0]
    assert [s["text"] for s in feature["background"]] == ["I am signed in"]
    assert feature["groups"][0]["background"] == []
    assert [s["text"] for s in feature["groups"][1]["background"]] == ["a header"]


def test_another_profiles_catalog_has_neither_the_shops_steps_nor_pytest_bdds_internals(
    pytester: pytest.Pytester,
) -> None:
    page = pytester.path / "httpbin.html"
    result = run_repo(pytester, "features/httpbin", "--living-docs", page)
    assert result.ret == pytest.ExitCode.OK
    catalog = embedded_data(page.read_text())["catalog"]
    patterns = {entry["pattern"] for entry in catalog}
    assert "I am signed in" in patterns  # the generic vocabulary
    assert "I order {quantity:d} of the product" not in patterns  # the shop's domain step
    assert "trace" not in patterns  # pytest-bdd's own
    assert all("function" not in entry for entry in catalog)  # no Python names by default
    assert all(entry["example"].split()[0] in ("Given", "When", "Then") for entry in catalog)


def test_the_catalog_names_python_functions_when_asked(pytester: pytest.Pytester) -> None:
    page = pytester.path / "httpbin.html"
    run_repo(pytester, "features/httpbin", "--living-docs", page, "--catalog-source")
    html = page.read_text()
    catalog = {e["pattern"]: e for e in embedded_data(html)["catalog"]}
    assert catalog["I am signed in"]["function"] == "steps.vocabulary.signed_in"
    assert "<th>Source</th>" in html


def test_the_header_names_the_profiles_base_url_when_it_is_not_embedded(
    project: pytest.Pytester, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_USERNAME", shop.user.username)
    monkeypatch.setenv("API_PASSWORD", shop.user.password)
    pyproject = project.path / "pyproject.toml"
    text = pyproject.read_text().replace('"embedded:shop"', f'"{shop.url}"')
    pyproject.write_text(text)
    feature(project, "Feature: F\n  Scenario: S\n    When I GET /products\n")
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    html = (project.path / "reports" / "living-docs.html").read_text()
    found = re.search(r'<span data-fact="base-url"><b>Base URL</b> ([^<]*)</span>', html)
    assert found is not None
    assert found.group(1) == shop.url
    assert '<span data-fact="profile"><b>Profile</b> shop</span>' in html
    assert shop.user.password not in html
