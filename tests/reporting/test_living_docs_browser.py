"""The living documentation in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from reporting.html import LAZY_ABOVE, render_html
from tests.reporting.chromium import Watched
from tests.reporting.generated import generated_document
from tests.reporting.test_living_docs import run_sample


@pytest.fixture
def page(browser: Browser, pytester: pytest.Pytester) -> Iterator[tuple[Page, list[str]]]:
    run_sample(pytester)
    page = browser.new_page()
    watched = Watched(page)
    page.goto((pytester.path / "reports" / "living-docs.html").as_uri())
    yield page, watched.errors
    assert watched.outside() == []  # self-contained
    page.close()


def visible_scenarios(page: Page) -> list[str]:
    return page.locator("article.scenario:visible h3").all_inner_texts()


def test_opens_without_console_errors_showing_every_scenario(page: tuple[Page, list[str]]) -> None:
    p, errors = page
    # five scenarios and one outline of two examples
    assert p.locator("article.scenario").count() == 6
    assert p.locator("#shown").inner_text() == "7 of 7 scenarios shown"
    assert errors == []


def test_a_failed_steps_evidence_expands(page: tuple[Page, list[str]]) -> None:
    p, _ = page
    failed = p.locator("li.step.failed")
    assert failed.count() == 1
    assert "has 98 in stock, not 97" in failed.locator(".error").inner_text()
    evidence = failed.locator("details.exchange").first
    assert evidence.locator("pre").count() == 0  # collapsed, and built only when expanded
    evidence.locator("summary").click()
    # <details> fires "toggle" as a task after the click: wait for the evidence to be built
    expect(evidence.locator("pre.curl")).to_be_visible()
    assert "$ACCESS_TOKEN" in evidence.locator("pre.curl").inner_text()
    body = evidence.locator("pre.response-body").inner_text()
    assert body.startswith('{\n  "id": ')  # recorded on one line, indented on display


def test_status_tag_and_text_filters(page: tuple[Page, list[str]]) -> None:
    p, errors = page
    for status in ("passed", "undefined", "skipped"):
        p.locator(f"input.status-filter[value={status}]").uncheck()
    shown = visible_scenarios(p)
    assert len(shown) == 1
    assert "The stock is wrong" in shown[0]
    for status in ("passed", "undefined", "skipped"):
        p.locator(f"input.status-filter[value={status}]").check()
    p.select_option("#tag-filter", "smoke")
    assert len(visible_scenarios(p)) == 1
    p.select_option("#tag-filter", "")
    p.fill("#search", "letter")
    shown = visible_scenarios(p)
    assert len(shown) == 1
    assert "A table and a doc string" in shown[0]
    assert p.locator("#shown").inner_text() == "1 of 7 scenarios shown"
    assert errors == []


def test_tables_and_doc_strings_render(page: tuple[Page, list[str]]) -> None:
    p, _ = page
    article = p.locator("article.scenario", has_text="A table and a doc string")
    assert article.locator("table.data tr").nth(1).inner_text().split() == ["hello", "world"]
    assert article.locator("pre.docstring").inner_text() == "Dear shop,\nplease keep my order."
    assert "Notes travel with the request" in p.locator(".rule").inner_text()


def test_a_large_report_renders_each_feature_when_opened(browser: Browser, tmp_path: Path) -> None:
    count = LAZY_ABOVE + 100  # 16 features of 25 scenarios
    path = tmp_path / "large.html"
    path.write_text(render_html(generated_document(count)), encoding="utf-8")
    p = browser.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(path.as_uri())
    assert p.locator("section.spec").count() == 16
    assert p.locator("article.scenario").count() == 0  # collapsed: nothing rendered yet
    assert p.locator("#shown").inner_text() == f"{count} of {count} scenarios shown"
    for status in ("passed", "undefined", "ambiguous", "skipped"):
        p.locator(f"input.status-filter[value={status}]").uncheck()
    failed = count // 50
    assert p.locator("#shown").inner_text() == f"{failed} of {count} scenarios shown"
    p.locator("input.status-filter[value=passed]").check()
    second = p.locator("section.spec").nth(1)
    second.locator("summary").first.click()
    expect(second.locator("article.scenario")).to_have_count(25)  # rendered on "toggle"
    assert p.locator("article.scenario").count() == 25  # only the opened feature
    exchange = second.locator("details.exchange").first
    exchange.locator("summary").click()
    assert "curl -X POST" in exchange.locator("pre.curl").inner_text()
    p.fill("#search", "case 42")
    assert p.locator("#shown").inner_text() == f"1 of {count} scenarios shown"
    assert p.locator("section.spec:visible").count() == 1
    assert errors == []
    p.close()
