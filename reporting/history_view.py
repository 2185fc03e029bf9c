"""The History view of the living documentation, from the last N runs of one profile.

What it tells: trends (pass rate, scenarios by status, duration, retried requests, time
waited), one status strip per scenario (a cell per run, sortable by "least stable"), the
flaky scenarios (status switched between runs, on the same commit or within the window, or
passed only because requests were retried), "since the last run" (newly failing, fixed, new,
removed scenarios, and the API document's changes), and how many scenario runs retries saved.
It becomes one living-docs section (HTML and Markdown); the strips are drawn by the page's
script from compact data (a letter per run), the trends are SVG drawn here. No pytest import.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from reporting.history import (
    HistoryError,
    HistoryStore,
    RunFacts,
    ScenarioName,
    ScenarioResult,
    StoredRun,
)
from reporting.history_svg import line_chart, stacked_bars
from reporting.hookspecs import ReportSection

WINDOW = 30  # runs a view looks back over, the current one included
FAILING = ("failed", "undefined", "ambiguous")
LETTER = {"passed": "p", "failed": "f", "undefined": "u", "ambiguous": "a", "skipped": "s"}
_ENV = Environment(
    loader=PackageLoader("reporting", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class ScenarioLine:
    """One scenario over the window: ``strip`` has a letter per run (``-``: not in that run)."""

    key: str
    label: str
    strip: str
    switches: int = 0
    same_commit: int = 0  # of the switches, those between two runs of one commit
    failures: int = 0
    retried_passes: int = 0  # runs it passed with retried requests
    last_failure: str | None = None

    @property
    def flaky(self) -> bool:
        return self.switches > 0 or self.retried_passes > 0

    @property
    def instability(self) -> tuple[int, int, int, int]:
        return (self.same_commit, self.switches, self.failures, self.retried_passes)


@dataclass
class SinceLast:
    newly_failing: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    document_changes: list[dict[str, Any]] | None = None  # None: no document to compare


@dataclass
class HistoryView:
    runs: list[StoredRun]
    lines: list[ScenarioLine]
    since: SinceLast | None
    saved: int

    @property
    def flaky(self) -> list[ScenarioLine]:
        return sorted((s for s in self.lines if s.flaky), key=_least_stable)

    @property
    def least_stable(self) -> list[ScenarioLine]:
        return sorted(self.lines, key=_least_stable)


def _least_stable(line: ScenarioLine) -> tuple[Any, ...]:
    return (*(-n for n in line.instability), line.label)


def label(name: ScenarioName) -> str:
    example = f" [{name.example}]" if name.example else ""
    return f"{name.uri}: {name.name}{example}"


def _line(key: str, text: str, runs: Sequence[StoredRun]) -> ScenarioLine:
    line = ScenarioLine(key, text, "")
    letters = []
    previous: tuple[str, str | None] | None = None  # (pass or fail, commit) of the last run
    for run in runs:
        result = run.results.get(key)
        letters.append("-" if result is None else LETTER[result.status])
        if result is None or result.status == "skipped":
            continue
        failing = result.status in FAILING
        line.failures += failing
        line.retried_passes += result.status == "passed" and result.retried > 0
        if failing and result.failure:
            line.last_failure = result.failure
        outcome = "fail" if failing else "pass"
        if previous is not None and previous[0] != outcome:
            line.switches += 1
            line.same_commit += run.commit is not None and previous[1] == run.commit
        previous = (outcome, run.commit)
    line.strip = "".join(letters)
    return line


def since_last(
    runs: Sequence[StoredRun],
    names: dict[str, str],
    load_document: Callable[[str | None], dict[str, Any] | None],
) -> SinceLast | None:
    if len(runs) < 2:
        return None
    before, now = runs[-2].results, runs[-1].results
    since = SinceLast()
    for key in sorted(now, key=lambda k: names.get(k, k)):
        old, new = before.get(key), now[key]
        if old is None:
            since.new.append(names.get(key, key))
        elif new.status in FAILING and old.status not in FAILING:
            since.newly_failing.append(names.get(key, key))
        elif new.status == "passed" and old.status in FAILING:
            since.fixed.append(names.get(key, key))
    since.removed = sorted(names.get(k, k) for k in before if k not in now)
    since.document_changes = _document_changes(runs[-2], runs[-1], load_document)
    return since


def _document_changes(
    before: StoredRun, now: StoredRun, load: Callable[[str | None], dict[str, Any] | None]
) -> list[dict[str, Any]] | None:
    if before.document is None or now.document is None:
        return None
    if before.document == now.document:
        return []
    old, new = load(before.document), load(now.document)
    if old is None or new is None:
        return None
    from models.breaking import compare  # the comparison's imports only when documents differ

    return [change.to_dict() for change in compare(old, new)]


def build_view(
    runs: Sequence[StoredRun],
    names: dict[str, ScenarioName],
    load_document: Callable[[str | None], dict[str, Any] | None] = lambda _: None,
) -> HistoryView:
    """The view of ``runs`` (oldest first, the current run last)."""
    labels = {key: label(name) for key, name in names.items()}
    keys = sorted({k for run in runs for k in run.results}, key=lambda k: labels.get(k, k))
    lines = [_line(key, labels.get(key, key), runs) for key in keys]
    saved = sum(line.retried_passes for line in lines)
    return HistoryView(list(runs), lines, since_last(runs, labels, load_document), saved)


def _run_label(run: StoredRun) -> str:
    when = datetime.fromtimestamp(run.started, UTC).strftime("%Y-%m-%d %H:%M")
    commit = f" {run.commit[:8]}" if run.commit else ""
    return f"run {run.id}, {when}{commit}"


def trends(view: HistoryView) -> list[Markup]:
    runs = view.runs
    labels = [_run_label(r) for r in runs]
    rates = [round(100 * r.counts["passed"] / max(sum(r.counts.values()), 1), 1) for r in runs]
    return [
        line_chart("pass-rate", "Pass rate", rates, labels, "%"),
        stacked_bars("statuses", "Scenarios by status", [r.counts for r in runs], labels),
        line_chart("duration", "Duration", [round(r.duration, 2) for r in runs], labels, " s"),
        line_chart("retried", "Retried requests", [r.retried for r in runs], labels),
        line_chart("waited", "Time waited", [round(r.waited, 2) for r in runs], labels, " s"),
    ]


def _json(value: Any) -> str:
    # With every "<" escaped, nothing in the data can end the inline <script> early.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def strip_data(view: HistoryView) -> dict[str, Any]:
    """What the page's script draws the strips from: a row per scenario, least stable first."""
    rows = [
        [s.label, s.strip, s.switches, s.failures, s.retried_passes, s.last_failure or ""]
        for s in view.least_stable
    ]
    return {"runs": [_run_label(r) for r in view.runs], "rows": rows}


def render_section(view: HistoryView) -> ReportSection:
    html = _ENV.get_template("history.html.j2").render(
        view=view,
        trends=trends(view),
        data_json=Markup(_json(strip_data(view))),  # noqa: S704 (escaped above)
        window=WINDOW,
    )
    return {
        "id": "history",
        "title": f"History: the last {len(view.runs)} run{'' if len(view.runs) == 1 else 's'}",
        "html": html,
        "markdown": render_markdown(view),
        "properties": {},
    }


def render_markdown(view: HistoryView) -> str:
    lines: list[str] = []
    since = view.since
    if since is not None:
        lines += ["**Since the last run**", ""]
        for title, items in (
            ("newly failing", since.newly_failing),
            ("fixed", since.fixed),
            ("new", since.new),
            ("removed", since.removed),
        ):
            shown = "; ".join(f"`{_cell(i)}`" for i in items[:20])
            more = f" and {len(items) - 20} more" if len(items) > 20 else ""
            lines.append(f"- {title}: {len(items)}{': ' + shown + more if items else ''}")
        for change in since.document_changes or []:
            flag = "breaking" if change["breaking"] else "ok"
            lines.append(
                f"- API document ({flag}): {_cell(change['operation'])} {change['detail']}"
            )
        lines.append("")
    lines += [f"Retries saved {view.saved} scenario run(s) in the last {len(view.runs)} runs.", ""]
    unstable = [s for s in view.least_stable if s.switches or s.failures or s.retried_passes]
    if unstable:
        lines += ["**The ten least stable scenarios**", "", "| Scenario | Runs | Switches |"]
        lines.append("| --- | --- | --- |")
        for line in unstable[:10]:
            lines.append(f"| {_cell(line.label)} | `{line.strip}` | {line.switches} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("`", "'")


def append_and_view(
    path: Path, run: RunFacts, results: Sequence[ScenarioResult], keep: int
) -> ReportSection:
    """Append the run to the history at ``path``, then render the view of its profile's last
    runs, this one included. HistoryError when the file cannot be used."""
    with HistoryStore.open(path) as store:
        store.append(run, results, keep=keep)
        runs = store.runs(run.profile, WINDOW)
        names = store.names({k for r in runs for k in r.results})
        return render_section(build_view(runs, names, store.document))


def append_merged(
    blobs: Sequence[Mapping[str, Any]],
    records: Sequence[Mapping[str, Any]],
    path: Path,
    keep: int,
) -> list[ReportSection]:
    """The merge of shards appends the merged run (its History view, or one line on stderr)."""
    from reporting.history_rows import merged_run, scenario_results

    results = scenario_results(records)
    try:
        return [append_and_view(path, merged_run(blobs, records, results), results, keep)]
    except HistoryError as err:
        print(f"api-bdd: no run history: {err}", file=sys.stderr)
        return []
