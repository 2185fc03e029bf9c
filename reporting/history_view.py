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
import sqlite3
import sys
from collections import ChainMap, Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reporting.history import (
    STATUSES,
    HistoryError,
    HistoryStore,
    RunFacts,
    ScenarioName,
    ScenarioResult,
    StoredRun,
)
from reporting.history_svg import line_chart, stacked_bars
from reporting.hookspecs import ReportSection
from reporting.html import page_environment
from reporting.record_types import ScenarioRecord

WINDOW = 30  # runs a view looks back over, the current one included
LETTERS = "pfuas-"  # a letter per status code (see reporting.history.STATUSES); -: not run
_PASSED = STATUSES.index("passed")
_FAILING = {STATUSES.index(s) for s in ("failed", "undefined", "ambiguous")}
_UNKNOWN = ScenarioName("?", "a scenario the history does not name", "")
_ENV = page_environment()


@dataclass(slots=True)  # slotted: one per scenario of the window
class ScenarioLine:
    """One scenario over the window: ``strip`` has a letter per run (``-``: not in that run)."""

    id: int
    name: ScenarioName
    strip: str
    switches: int = 0
    same_commit: int = 0  # of the switches, those between two runs of one commit
    failures: int = 0
    retried_passes: int = 0  # runs it passed with retried requests
    last_failure: str | None = None

    @property
    def label(self) -> str:
        return label(self.name)

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
    lines: list[ScenarioLine]  # by feature path and name
    since: SinceLast | None
    saved: int

    @property
    def flaky(self) -> list[ScenarioLine]:
        return sorted((s for s in self.lines if s.flaky), key=_least_stable)

    @property
    def least_stable(self) -> list[ScenarioLine]:
        """Every line, least stable first; the stable ones keep their order (sorted is stable)."""
        return sorted(self.lines, key=_least_stable)


def _least_stable(line: ScenarioLine) -> tuple[int, ...]:
    return tuple(-n for n in line.instability)


def label(name: ScenarioName) -> str:
    example = f" [{name.example}]" if name.example else ""
    return f"{name.uri}: {name.name}{example}"


def _unstable(line: ScenarioLine, runs: Sequence[StoredRun]) -> None:
    """Switches, failures and the last failure of a line whose strip has a failure."""
    previous: tuple[bool, str | None] | None = None  # (failing, commit) of its last run
    for run, letter in zip(runs, line.strip, strict=True):
        if letter in "s-":
            continue
        failing = letter in "fua"
        if failing:
            line.failures += 1
            line.last_failure = run.failures.get(line.id, line.last_failure)
        if previous is not None and previous[0] != failing:
            line.switches += 1
            line.same_commit += run.commit is not None and previous[1] == run.commit
        previous = (failing, run.commit)


def scenario_lines(runs: Sequence[StoredRun], names: dict[int, ScenarioName]) -> list[ScenarioLine]:
    """A line per scenario of the window. Most scenarios always pass: their strip is built from
    the runs' status maps and nothing else is looked at."""
    ids = sorted({i for run in runs for i in run.statuses}, key=lambda i: _sort_key(names, i))
    maps = [run.statuses for run in runs]
    saved = Counter(i for run in runs for i in run.retried_by if run.statuses.get(i) == _PASSED)
    lines = []
    for ident in ids:
        strip = "".join([LETTERS[m.get(ident, 5)] for m in maps])
        line = ScenarioLine(ident, names.get(ident, _UNKNOWN), strip, retried_passes=saved[ident])
        if "f" in strip or "u" in strip or "a" in strip:
            _unstable(line, runs)
        lines.append(line)
    return lines


def _sort_key(names: dict[int, ScenarioName], ident: int) -> tuple[str, str, str]:
    name = names.get(ident, _UNKNOWN)
    return (name.uri, name.name, name.example)


def since_last(
    runs: Sequence[StoredRun],
    names: dict[int, ScenarioName],
    load_document: Callable[[str | None], dict[str, Any] | None],
) -> SinceLast | None:
    if len(runs) < 2:
        return None
    before, now = runs[-2].statuses, runs[-1].statuses
    since = SinceLast()
    for ident in sorted(now, key=lambda i: _sort_key(names, i)):
        old, new = before.get(ident), now[ident]
        text = label(names.get(ident, _UNKNOWN))
        if old is None:
            since.new.append(text)
        elif new in _FAILING and old not in _FAILING:
            since.newly_failing.append(text)
        elif new == _PASSED and old in _FAILING:
            since.fixed.append(text)
    gone = sorted((i for i in before if i not in now), key=lambda i: _sort_key(names, i))
    since.removed = [label(names.get(i, _UNKNOWN)) for i in gone]
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
    names: dict[int, ScenarioName],
    load_document: Callable[[str | None], dict[str, Any] | None] = lambda _: None,
) -> HistoryView:
    """The view of ``runs`` (oldest first, the current run last)."""
    lines = scenario_lines(runs, names)
    saved = sum(line.retried_passes for line in lines)
    return HistoryView(list(runs), lines, since_last(runs, names, load_document), saved)


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


def _strip_rows(view: HistoryView, features: dict[str, int]) -> Iterator[list[Any]]:
    for line in view.least_stable:
        name = line.name
        feature = features.setdefault(name.uri, len(features))
        title = f"{name.name} [{name.example}]" if name.example else name.name
        yield [feature, title, line.strip, line.switches, line.failures, line.last_failure or ""]


def strip_data(view: HistoryView) -> dict[str, Any]:
    """What the page's script draws the strips from: a row per scenario, least stable first,
    each naming its feature by index (a path is long, and shared by the feature's scenarios)."""
    features: dict[str, int] = {}
    rows = list(_strip_rows(view, features))
    return {"runs": [_run_label(r) for r in view.runs], "features": list(features), "rows": rows}


def strip_json(view: HistoryView) -> str:
    """:func:`strip_data` as the page's JSON, the same text as ``_json(strip_data(view))``,
    encoded a row at a time: the encoder's pieces for 5,000 rows at once would take several
    times the text's own size, at the end of a run, where its memory peaks."""
    features: dict[str, int] = {}
    rows = ",".join([_json(row) for row in _strip_rows(view, features)])
    runs = _json([_run_label(r) for r in view.runs])
    return f'{{"runs":{runs},"features":{_json(list(features))},"rows":[{rows}]}}'


def render_section(view: HistoryView) -> ReportSection:
    html = _ENV.get_template("history.html.j2").render(
        view=view,
        trends=trends(view),
        data_json=Markup(strip_json(view)),  # noqa: S704 (escaped by _json)
        window=WINDOW,
    )
    return {
        "id": "history",
        "title": f"History: the last {len(view.runs)} run{'' if len(view.runs) == 1 else 's'}",
        "html": html,
        "markdown": render_markdown(view),
        "properties": {},
        "tab": "History",
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
    count = len(view.runs)
    window = f"the last {count} runs" if count != 1 else "this run"
    lines += [f"Retries saved {view.saved} scenario run(s) in {window}.", ""]
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
    path: Path, run: RunFacts, results: Sequence[ScenarioResult], keep: int, *, append: bool = True
) -> ReportSection:
    """Append the run to the history at ``path``, then render the view of its profile's last
    runs, this one included (``append=False``: the past runs only). HistoryError when the file
    cannot be used."""
    with HistoryStore.open(path) as store:
        if append:
            store.append(run, results, keep=keep)
        try:
            return view_section(store, run.profile)
        except (sqlite3.Error, ValueError, LookupError, TypeError) as err:
            # a damaged page or a value no api-bdd wrote, found while reading the past runs
            reason = " ".join(str(err).split()) or type(err).__name__
            raise HistoryError(f"{path}: cannot read the past runs ({reason})") from None


def view_section(store: HistoryStore, profile: str) -> ReportSection:
    """The History view of ``profile``'s last :data:`WINDOW` runs in ``store``."""
    runs = store.runs(profile, WINDOW)
    names = store.names(ChainMap(*(r.statuses for r in runs)))  # the runs' ids, not a copy
    return render_section(build_view(runs, names, store.document))


def append_merged(
    blobs: Sequence[Mapping[str, Any]],
    records: Sequence[ScenarioRecord],
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
