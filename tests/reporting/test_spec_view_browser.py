"""The specification view of the living documentation, read in a real headless Chromium.

One scratch project (the shop's profile, its OpenAPI document, features in two capability
folders: a Background, a Rule with its own, an outline with a failing row, a ``@wip``
scenario, a deleted product's 404) is run once, in a git repository of its own; each test
reads the page it wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT, SHOP_PROFILE
from tests.reporting.chromium import Watched

SAMPLE = Path(__file__).parent / "spec_sample"

PYPROJECT = f"""
[tool.pytest.ini_options]
pythonpath = ["{ROOT}"]
bdd_features_base_dir = "features/"
addopts = ["--strict-markers", "-p", "no:cacheprovider"]
{SHOP_PROFILE}openapi = "{ROOT}/tests/suites/shop/models/shop.openapi.json"
conformance = "off"
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(  # a fixed git command in the scratch project
        ["git", "-c", "user.name=spec", "-c", "user.email=spec@example.invalid", *args],  # noqa: S607
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def spec_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("spec")
    shutil.copy(ROOT / "conftest.py", root / "conftest.py")
    (root / "pyproject.toml").write_text(PYPROJECT)
    shutil.copytree(SAMPLE, root / "features")
    _git(root, "init", "-q", "-b", "spec-branch")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "the features")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return root, done


@pytest.fixture
def page(
    browser: Browser, spec_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> Iterator[Page]:
    root, _ = spec_run
    # tall enough for the whole page: features off screen skip rendering (content-visibility),
    # and an element that is not rendered has no innerText
    opened = browser.new_page(viewport={"width": 1280, "height": 6000})
    watched = Watched(opened)
    opened.goto((root / "reports" / "living-docs.html").as_uri())
    yield opened
    assert watched.errors == []
    assert watched.outside() == []  # self-contained
    opened.close()


def test_capabilities_come_from_folders_with_a_functional_coverage_table(page: Page) -> None:
    rows = page.locator("#functional-coverage tbody tr")
    assert rows.count() == 2
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(2)]
    # capability, features, scenarios, passed, failed, pending, operations exercised
    assert cells[0][:6] == ["Orders", "1", "4", "2", "1", "1"]
    assert cells[1][:6] == ["Products", "1", "2", "2", "0", "0"]
    assert "POST /products" in cells[0][6]
    assert "GET /products/{product_id}" in cells[0][6]
    assert cells[1][6] == "2: GET /products, POST /auth/token"
    orders = page.locator("section.capability#capability-0")
    assert orders.locator("h2").first.inner_text().startswith("Orders")
    assert orders.locator("section.feature h2").inner_text().startswith("Feature: Checkout")
    prose = orders.locator(".description.prose").first.inner_text()
    assert (
        prose
        == "A customer orders products that are in stock.\nThe stock goes down by what was ordered."
    )


def test_a_background_is_shown_once_with_each_scenarios_result_one_click_away(page: Page) -> None:
    catalogue = page.locator("section.feature", has_text="Feature: Catalogue")
    assert catalogue.locator(".background").count() == 1
    assert catalogue.locator(".background").inner_text().count("I am signed in") == 1
    listed = catalogue.locator("article.scenario", has_text="The catalogue lists products")
    assert listed.get_by_text("I am signed in").count() == 0  # folded away
    result = listed.locator("details.bg-result")
    assert result.locator("summary").inner_text() == "Background passed 1 step"
    result.locator("summary").click()
    step = result.locator("li.step.passed")
    expect(step).to_have_count(1)
    assert "I am signed in" in step.inner_text()
    assert step.locator("details.exchange summary").inner_text().startswith("200 POST")
    # the Rule's own Background, once, under the Rule
    rule_background = page.locator(".rule-background")
    assert rule_background.count() == 1
    assert 'the request header "X-Trace" is "spec"' in rule_background.inner_text()


def test_an_outline_is_one_table_with_each_rows_status_and_its_own_evidence(page: Page) -> None:
    outline = page.locator("article.scenario.outline")
    assert outline.count() == 1
    assert "A product can be created at any price" in outline.locator("h3").inner_text()
    assert "2 examples" in outline.locator("h3").inner_text()
    steps = outline.locator("ol.steps").first.inner_text()
    assert "Then the response status is <status>" in steps  # as written
    assert '"price": "<price>"' in outline.locator("pre.docstring").first.inner_text()
    table = outline.locator("table.examples")
    assert table.locator("tr").first.locator("th").all_inner_texts() == [
        "price",
        "status",
        "result",
    ]
    rows = table.locator("tr.row")
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(2)] == [
        ["4.50", "201", "passed"],
        ["1.00", "200", "failed"],
    ]
    rows.nth(1).click()
    evidence = table.locator("td.evidence-cell article.scenario.failed")
    expect(evidence).to_have_count(1)
    assert "Then the response status is 200" in evidence.inner_text()
    assert "201 POST" in evidence.locator("details.exchange summary").first.inner_text()


def test_each_step_shows_the_values_it_used_and_what_it_remembered(page: Page) -> None:
    secret = page.locator("li.step", has_text='the request header "X-Password"').first
    assert secret.locator(".value").inner_text() == '${secret(API_PASSWORD)} = "***"'  # redacted
    gone = page.locator("article.scenario", has_text="A deleted product answers 404")
    post = gone.locator("li.step", has_text="I POST /products with JSON")
    unique = post.locator(".value").first.inner_text()
    assert unique.startswith('${unique(Gone)} = "Gone [')
    remember = gone.locator("li.step", has_text="I remember the response JSON at id")
    remembered = remember.locator(".value.remembered").inner_text()
    assert remembered.startswith("remembered ${product_id} = ")
    product_id = remembered.removeprefix("remembered ${product_id} = ")
    assert product_id.isdigit()
    delete = gone.locator("li.step", has_text="And I DELETE /products/")
    assert delete.locator(".value").inner_text() == f"${{product_id}} = {product_id}"


def test_a_failing_wip_scenario_is_pending_and_counted_apart(
    page: Page, spec_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    wip = page.locator("article.scenario", has_text="Gift wrapping is offered")
    assert "pending" in (wip.get_attribute("class") or "").split()
    assert wip.locator("h3 .pill").inner_text() == "pending"
    assert page.locator('[data-count="scenarios-pending"]').inner_text() == "1 pending"
    assert page.locator('[data-count="scenarios-failed"]').inner_text() == "1 failed"
    colour = wip.evaluate("a => getComputedStyle(a).borderLeftColor")
    assert colour != page.locator("article.scenario.failed").first.evaluate(
        "a => getComputedStyle(a).borderLeftColor"
    )
    _, done = spec_run
    assert "1 failed, 4 passed, 1 xfailed" in done.stdout  # the outline's row fails the run


def test_the_header_names_profile_base_url_auth_api_version_and_commit(
    page: Page, spec_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    root, _ = spec_run
    facts = {
        name: page.locator(f'[data-fact="{name}"]').inner_text()
        for name in ("profile", "base-url", "auth", "api-version", "commit")
    }
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert facts == {
        "profile": "Profile shop",
        "base-url": "Base URL the embedded shop API on 127.0.0.1 (one per worker)",
        "auth": "Auth oauth2-password",
        "api-version": "API version 1.0.0",
        "commit": f"Commit {commit[:12]} on spec-branch",
    }


def test_an_expected_404_and_a_clean_ups_404_are_not_painted_as_failures(page: Page) -> None:
    gone = page.locator("article.scenario", has_text="A deleted product answers 404")
    answer = (
        gone.locator("li.step", has_text="I GET /products/")
        .locator("details.exchange summary span")
        .first
    )
    assert answer.inner_text() == "404"
    assert "status-expected" in (answer.get_attribute("class") or "")
    red = answer.evaluate("s => getComputedStyle(s).color") == "rgb(207, 34, 46)"
    assert not red
    clean_up = gone.locator(":scope > details.exchange summary span").first
    assert clean_up.inner_text() == "404"  # the clean-up found nothing left to undo
    assert "status-expected" in (clean_up.get_attribute("class") or "")
    assert clean_up.evaluate("s => getComputedStyle(s).color") != "rgb(207, 34, 46)"
    missing = page.locator("article.scenario", has_text="Gift wrapping is offered")
    unexpected = missing.locator("li.step", has_text="I GET /gift-wrapping").locator(
        "details.exchange summary span"
    )
    assert unexpected.first.evaluate("s => getComputedStyle(s).color") == "rgb(207, 34, 46)"


def test_the_step_catalog_is_a_tab_for_authors_without_function_names(page: Page) -> None:
    catalog = page.locator('[data-tab-panel="catalog"]')
    assert not catalog.is_visible()
    page.locator('button[data-tab="catalog"]').click()
    expect(catalog).to_be_visible()
    assert not page.locator('[data-tab-panel="spec"]').is_visible()
    row = catalog.locator("tr", has=page.locator("td code", has_text="I am signed in"))
    cells = row.first.locator("td").all_inner_texts()
    assert cells[3] == "Given I am signed in"  # its first use in the features
    assert int(cells[4]) >= 2
    assert "steps.vocabulary" not in catalog.inner_text()
    assert "Source" not in catalog.locator("thead").inner_text()
    assert "``" not in catalog.inner_text()  # reST backticks shown as code
    unused = catalog.locator("tr.unused", has_text="the next request is not retried")
    assert unused.locator("td").nth(3).inner_text() == "Given the next request is not retried"
    page.locator('button[data-tab="spec"]').click()
    expect(page.locator('[data-tab-panel="spec"]')).to_be_visible()


def test_counts_read_in_the_singular_for_one(page: Page) -> None:
    products = page.locator("section.capability#capability-1 > h2").inner_text()
    assert "1 feature, 2 scenarios" in products
    assert page.locator("#shown").inner_text() == "6 of 6 scenarios shown"
    page.fill("#search", "gift wrapping")
    assert page.locator("#shown").inner_text() == "1 of 6 scenarios shown"
    catalogue = page.locator("section.feature", has_text="Feature: Catalogue")
    assert "2 scenarios" in catalogue.locator("h2").inner_text()
