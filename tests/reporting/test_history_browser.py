"""The History view in a real headless Chromium, after three runs of a feature whose scenario
"Fails in the second run only" does just that."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.reporting.chromium import Watched
from tests.reporting.test_history import history_project, run_number

FLAKY = "features/history.feature: Fails in the second run only"


@pytest.fixture
def history_page(
    browser: Browser, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    history_project(pytester)
    for number in (1, 2, 3):
        run_number(pytester, monkeypatch, number)
    page = browser.new_page()
    watched = Watched(page)
    page.goto((pytester.path / "reports" / "living-docs.html").as_uri())
    yield page
    assert watched.errors == []
    assert watched.outside() == []  # self-contained
    page.close()


def test_the_history_view_after_three_runs(history_page: Page) -> None:
    view = history_page.locator("#history")
    assert not view.is_visible()  # a view of its own: the History tab shows it
    history_page.locator('button[data-tab="history"]').click()
    assert view.is_visible()
    assert not history_page.locator('[data-tab-panel="spec"]').is_visible()
    assert view.locator("h2").inner_text() == "History: the last 3 runs"
    # trend pictures: five, a point per run each, and they are drawn
    trends = view.locator("svg.trend")
    assert trends.count() == 5
    for index in range(5):
        assert trends.nth(index).locator(".pt").count() == 3
        assert trends.nth(index).bounding_box() is not None
    # a strip per scenario, a cell per run; the least stable first
    rows = view.locator("#history-strips tr.history-row")
    assert rows.count() == 4
    first = rows.first
    assert first.locator("td").first.inner_text() == FLAKY
    cells = first.locator(".strip i")
    assert [cells.nth(i).get_attribute("class") for i in range(3)] == ["p", "f", "p"]
    assert view.locator("#history-shown").inner_text() == "4 of 4 scenarios"
    # the flaky list names it, with its switches and its last failure
    flaky = view.locator("#history-flaky tbody tr")
    assert flaky.count() == 1
    assert flaky.locator("td").first.inner_text() == FLAKY
    assert "the second run fails on purpose" in flaky.inner_text()
    # since the last run (the third): it was fixed
    since = view.locator("#history-since")
    assert since.locator(".since-fixed .since-item").all_inner_texts() == [FLAKY]
    assert since.locator(".since-newly-failing").inner_text() == "Newly failing (0)"
    assert "Retries saved 0 scenario runs in the last 3 runs" in view.inner_text()


def test_the_strips_sort_by_name(history_page: Page) -> None:
    history_page.locator('button[data-tab="history"]').click()
    history_page.select_option("#history-sort", "name")
    labels = history_page.locator("#history-strips tr.history-row td:first-child")
    texts = labels.all_inner_texts()
    assert texts == sorted(texts)
    assert texts[0] == "features/history.feature: Always passes"
