"""``python -m bench history``: what the run history costs at scale.

A history of ``--runs`` (default 100) runs of ``--scenarios`` (default 5,000) generated
scenarios (``tests.reporting.generated``: 5 steps, 4 requests each, 1 in 50 failing; here some
scenarios also flip between runs and some pass after retries, so the view has work to do).
The last run is appended the way the plugin appends one (records to rows, git facts, open,
append, prune), and timed: ``append_5000``. Then the file's size on disk, the time to write
the living docs of that run with its History view (read the window, build the view, the late
redaction pass over the section, the page), and the time Chromium takes to open that page
until the History view's strips are drawn. It ends with one line::

    history: append_5000=S size_100x5000_mb=M docs_write_s=S docs_load_s=S

Goals (issue 17): append ≤ 0.5 s, ≤ 60 MB, write ≤ 2 s, load ≤ 1 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from client.redaction import Redactor
from reporting.history import HistoryStore, RunFacts, ScenarioResult
from reporting.history_rows import git_facts, scenario_results, waited
from reporting.history_view import view_section
from reporting.html import write_html
from reporting.record_types import ScenarioRecord
from tests.reporting.generated import generated_document, generated_records

ROOT = Path(__file__).resolve().parents[1]
HISTORY_DRAWN = "#history-strips tr.history-row"  # the History view's strips are drawn


def _varied(base: list[ScenarioResult], run: int) -> list[ScenarioResult]:
    """Run ``run`` of the history: every 97th scenario flips with the run, every 61st needed
    retries in odd runs; the others as generated."""
    out = []
    for index, result in enumerate(base):
        if index % 97 == run % 3:
            result = dataclasses.replace(
                result, status="failed", failure="AssertionError: 97 != 98 (flipped)"
            )
        elif index % 61 == 0 and run % 2:
            result = dataclasses.replace(result, retried=1)
        out.append(result)
    return out


def fill(path: Path, base: list[ScenarioResult], runs: int) -> None:
    with HistoryStore.open(path) as store:
        for run in range(runs):
            facts = RunFacts(1.7e9 + 3600 * run, 90.0, "bench", "http://127.0.0.1:1", "c" * 40)
            store.append(facts, _varied(base, run), keep=200)


def append_like_the_plugin(path: Path, records: list[ScenarioRecord]) -> float:
    started = time.perf_counter()
    redactor = Redactor()
    results = scenario_results(records, redactor)
    commit, branch = git_facts(ROOT)
    facts = RunFacts(
        time.time(), 95.0, "bench", "http://127.0.0.1:1", commit, branch,
        sum(r.retried for r in results), waited(records),
    )  # fmt: skip
    with HistoryStore.open(path) as store:
        store.append(facts, results, keep=200)
    return time.perf_counter() - started


def write_docs(path: Path | None, records: list[ScenarioRecord], out: Path) -> dict[str, float]:
    """The living docs of the last run with its History view, as the plugin writes them (with
    ``path`` None: without history, for comparison); seconds by part."""
    redactor = Redactor()
    redactor.add("a-secret-the-run-knows-1234567", "a setting")
    started = time.perf_counter()
    sections = []
    if path is not None:
        with HistoryStore.open(path) as store:
            sections.append(view_section(store, "bench"))
    viewed = time.perf_counter()
    # as LivingDocs passes each one
    sections = [redactor.redact_value(s, shapes=False) for s in sections]
    redacted = time.perf_counter()
    document = generated_document(len(records), records)
    with out.open("w", encoding="utf-8") as file:
        write_html(document, sections, file.write)
    written = time.perf_counter()
    return {
        "view": viewed - started,
        "redaction pass": redacted - viewed,
        "page": written - redacted,
        "total": written - started,
    }


def load_in_chromium(page_path: Path, drawn: str) -> float:
    """Seconds from navigation until ``drawn`` is in the page (the History view's strips, drawn
    by its script) and the page has loaded."""
    from playwright.sync_api import sync_playwright

    from tests.reporting.chromium import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_selector(drawn, state="attached")
        took = time.perf_counter() - started
        browser.close()
    return took


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench history", description=__doc__)
    parser.add_argument("--scenarios", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium load")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        path = Path(tmp) / "history.sqlite"
        records = generated_records(args.scenarios)
        fill(path, scenario_results(records), args.runs - 1)
        append_s = append_like_the_plugin(path, records)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("history.sqlite*")) / 1e6
        page, bare = Path(tmp) / "living-docs.html", Path(tmp) / "bare.html"
        without = write_docs(None, records, bare)
        written = write_docs(path, records, page)
        for name, seconds in written.items():
            print(f"write, {name}: {seconds:.3f} s")
        size = page.stat().st_size / 1e6
        print(f"write without history: {without['total']:.3f} s; page {size:.1f} MB")
        load_s = float("nan")
        if not args.no_browser:  # the median of three, side by side: the machine is shared
            loads = [
                (load_in_chromium(bare, "#shown"), load_in_chromium(page, HISTORY_DRAWN))
                for _ in range(3)
            ]
            bare_s = statistics.median(b for b, _ in loads)
            load_s = statistics.median(h for _, h in loads)
            print(f"load without history: {bare_s:.2f} s ({load_s / bare_s:.2f}x with it)")
        write_s = written["total"]
    n, runs = args.scenarios, args.runs
    print(
        f"history: append_{n}={append_s:.3f} size_{runs}x{n}_mb={size_mb:.1f}"
        f" docs_write_s={write_s:.2f} docs_load_s={load_s:.2f}"
    )
    return 0
