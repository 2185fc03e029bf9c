"""The History view's content from stored runs: strips, flaky scenarios, "since the last run",
what retries saved, the trend pictures and the Markdown summary's part."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reporting.history import (
    STATUSES,
    HistoryStore,
    RunFacts,
    ScenarioName,
    ScenarioResult,
    StoredRun,
)
from reporting.history import StoredResult as R
from reporting.history_view import build_view, render_markdown, render_section

A, B, C, D = 1, 2, 3, 4  # scenarios by their id in the file
NAMES = {i: ScenarioName("f.feature", "_ABCD"[i], "") for i in (A, B, C, D)}


def stored(ident: int, commit: str | None, results: dict[int, R]) -> StoredRun:
    counts = dict.fromkeys(STATUSES, 0)
    for result in results.values():
        counts[result.status] += 1
    run = StoredRun(
        ident, 1000.0 * ident, 3.0, "shop", "x", commit, "main", counts, 0, 0.0, "run", None
    )
    run.statuses = {i: STATUSES.index(r.status) for i, r in results.items()}
    run.retried_by = {i: r.retried for i, r in results.items() if r.retried}
    run.failures = {i: r.failure for i, r in results.items() if r.failure}
    return run


def ok(retried: int = 0) -> R:
    return R("passed", 0.1, 2, retried, None)


def bad(line: str = "AssertionError: 97 != 98") -> R:
    return R("failed", 0.1, 2, 0, line)


def test_a_scenario_that_switched_on_one_commit_is_flaky_with_its_last_failure() -> None:
    runs = [
        stored(1, "c1", {A: ok(), B: ok()}),
        stored(2, "c1", {A: bad("first"), B: ok()}),
        stored(3, "c1", {A: ok(), B: ok()}),
        stored(4, "c2", {A: bad("second"), B: ok()}),
    ]
    view = build_view(runs, NAMES)
    flaky = view.flaky
    assert [(s.label, s.strip, s.switches, s.same_commit) for s in flaky] == [
        ("f.feature: A", "pfpf", 3, 2)
    ]
    assert flaky[0].last_failure == "second"
    assert flaky[0].failures == 2


def test_a_scenario_that_passed_only_after_retries_is_flaky_and_counted_as_saved() -> None:
    runs = [stored(1, None, {A: ok(), B: ok(retried=2)}), stored(2, None, {A: ok(), B: ok(1)})]
    view = build_view(runs, NAMES)
    assert [(s.label, s.retried_passes, s.switches) for s in view.flaky] == [("f.feature: B", 2, 0)]
    assert view.saved == 2
    assert "Retries saved 2 scenario run(s) in the last 2 runs." in render_markdown(view)


def test_since_the_last_run_lists_newly_failing_fixed_new_and_removed() -> None:
    runs = [
        stored(1, None, {A: ok(), B: bad(), C: ok()}),
        stored(2, None, {A: bad(), B: ok(), D: ok()}),
    ]
    since = build_view(runs, NAMES).since
    assert since is not None
    assert (since.newly_failing, since.fixed, since.new, since.removed) == (
        ["f.feature: A"],
        ["f.feature: B"],
        ["f.feature: D"],
        ["f.feature: C"],
    )
    assert since.document_changes is None  # the profile has no API document


def test_the_first_run_has_nothing_since_a_last_run() -> None:
    assert build_view([stored(1, None, {A: ok()})], NAMES).since is None


def test_since_the_last_run_shows_the_api_documents_changes(tmp_path: Path) -> None:
    def document(status: str) -> dict[str, Any]:
        response = {status: {"description": "ok"}}
        return {"openapi": "3.1.0", "paths": {"/orders": {"get": {"responses": response}}}}

    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        for number, status in ((1, "200"), (2, "200"), (3, "201")):
            facts = RunFacts(float(number), 1.0, "shop", "x", document=document(status))
            store.append(facts, [ScenarioResult("f.feature", "A", "", "passed")])
        runs = store.runs("shop")
        unchanged = build_view(runs[:2], store.names(runs[0].statuses), store.document)
        changed = build_view(runs, store.names(runs[0].statuses), store.document)
    assert unchanged.since is not None
    assert unchanged.since.document_changes == []
    assert changed.since is not None
    assert changed.since.document_changes
    operations = {c["operation"] for c in changed.since.document_changes}
    assert operations == {"GET /orders"}
    assert "API document" in render_markdown(changed)


def test_each_trend_picture_has_a_point_per_run() -> None:
    runs = [stored(n, None, {A: ok(), B: bad() if n == 2 else ok()}) for n in (1, 2, 3)]
    html = render_section(build_view(runs, NAMES))["html"]
    pictures = re.findall(r'<svg class="trend" data-trend="([a-z-]+)".*?</svg>', html, re.S)
    assert pictures == ["pass-rate", "statuses", "duration", "retried", "waited"]
    for svg in re.findall(r'<svg class="trend".*?</svg>', html, re.S):
        assert svg.count('class="pt"') == 3
    assert "run 2, 1970-01-01 00:33: 50%" in html  # the pass rate's point says its run


def test_the_markdown_part_has_since_the_last_run_and_the_ten_least_stable() -> None:
    keys = list(range(12))
    names = {k: ScenarioName("f.feature", f"S{k:02d}", "") for k in keys}

    def result(index: int, run: int) -> R:
        return bad() if (index + run) % 3 == 0 and index < 11 else ok()

    runs = [stored(n, None, {k: result(i, n) for i, k in enumerate(keys)}) for n in (1, 2, 3)]
    markdown = render_markdown(build_view(runs, names))
    assert markdown.startswith("**Since the last run**\n\n- newly failing: ")
    table = [ln for ln in markdown.splitlines() if ln.startswith("| f.feature")]
    assert len(table) == 10
    assert "S11" not in markdown.split("**The ten least stable scenarios**")[1]  # always passed
