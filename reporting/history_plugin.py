"""The run history as a pytest plugin: each run appends itself and the living docs show it.

Options: ``--history PATH`` (ini ``api_history``; default ``reports/history.sqlite``),
``--no-history``, ``--history-keep N`` (ini ``api_history_keep``; default 200 runs). On the
controller (or the only process), the scenario records that ride on the reports are kept; at
the end the run is appended once (a shard does not append: the merge of the shards does) and
the History view is answered as a living-docs section (``pytest_api_bdd_report_sections``).
A history that cannot be used (corrupt, locked, another program's file) is one ``api-bdd:``
line in the summary: the run goes on, every other report is written, the exit status is the
run's.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from client.redaction import Redactor
from reporting import outbound
from reporting.history_records import DEFAULT_PATH, RunFacts
from reporting.hookspecs import ReportSection
from reporting.record_types import ScenarioRecord
from reporting.recorder import REPORT_ATTRIBUTE

if TYPE_CHECKING:
    from reporting.history_records import ScenarioResult

# The store (SQLite), the rows (git, subprocess) and the view (Jinja2) load when a run ends,
# not in every pytest process's start-up (xdist workers keep no history at all).

DEFAULT_KEEP = 200


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd")
    group.addoption(
        "--history",
        metavar="PATH",
        default=None,
        help=f"the run history (SQLite) this run appends to (default {DEFAULT_PATH})",
    )
    group.addoption("--no-history", action="store_true", default=False, help="keep no run history")
    group.addoption(
        "--history-keep",
        metavar="N",
        type=int,
        default=None,
        help=f"keep the newest N runs in the history (default {DEFAULT_KEEP})",
    )
    parser.addini("api_history", help=f"the run history's path (default {DEFAULT_PATH})")
    parser.addini("api_history_keep", help=f"runs kept in the history (default {DEFAULT_KEEP})")


def history_path(config: pytest.Config) -> Path | None:
    """Where this run's history is (relative to where pytest started), or None: no history."""
    if config.getoption("no_history", False):
        return None
    value = config.getoption("history", None) or config.getini("api_history") or DEFAULT_PATH
    path = Path(str(value))
    return path if path.is_absolute() else Path(config.invocation_params.dir) / path


def history_keep(config: pytest.Config) -> int:
    value = config.getoption("history_keep", None)
    if value is None:
        raw = config.getini("api_history_keep") or str(DEFAULT_KEEP)
        try:
            value = int(str(raw))
        except ValueError:
            raise pytest.UsageError(
                f"api-bdd: ini key api_history_keep={raw!r} is invalid: expected a number of runs"
            ) from None
    if value < 1:
        raise pytest.UsageError(f"api-bdd: --history-keep must be at least 1, not {value}")
    return int(value)


PLUGIN = pytest.StashKey["HistoryPlugin"]()


_GIT = pytest.StashKey[tuple[str | None, str | None]]()


def git_facts_of(config: pytest.Config) -> tuple[str | None, str | None]:
    """The project's git commit and branch (:func:`~reporting.history_rows.git_facts`), asked
    once a run: the history, the page's header and a shard's report data share the answer."""
    found = config.stash.get(_GIT, None)
    if found is None:
        from reporting.history_rows import git_facts

        found = config.stash[_GIT] = git_facts(config.rootpath)
    return found


def shard_facts(config: pytest.Config) -> dict[str, Any] | None:
    """What the merge of shards needs to append their run: the profile, git commit and branch,
    the API document (in the shard's report data, whether or not the shard keeps history)."""
    plugin = config.stash.get(PLUGIN, None)
    if plugin is None:  # an xdist worker: the controller writes the report data
        return None
    commit, branch = git_facts_of(config)
    return {
        "profile": plugin.profile,
        "commit": commit,
        "branch": branch,
        "document": plugin.document,
    }


class HistoryPlugin:
    """Appends the run and renders its History view; on the controller only."""

    def __init__(self, config: pytest.Config, redactor: Redactor, *, sharded: bool) -> None:
        self.config = config
        self.redactor = redactor
        self.path = history_path(config)
        self.keep = history_keep(config)
        self.sharded = sharded
        self.started = time.time()
        self.profile = "default"
        self.records: dict[str, ScenarioRecord] = {}
        self.done = False
        self.interrupted = False
        self.section: ReportSection | None = None
        self.lines: list[str] = []
        self.document: dict[str, Any] | None = None  # the profile's OpenAPI document, if any
        config.stash[PLUGIN] = self

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_openapi_document(self, document: dict[str, Any]) -> None:
        self.document = document

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_profile(self, config: pytest.Config, name: str) -> None:
        self.profile = name or "default"

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = getattr(report, REPORT_ATTRIBUTE, None)
        if record is not None:
            self.records[record["id"]] = record
        elif report.when not in ("setup", "call", "teardown") and report.failed:
            skeleton = self.records.get(report.nodeid)  # a crashed xdist worker's scenario
            if skeleton is not None:
                self.records[report.nodeid] = {**skeleton, "status": "failed"}

    def pytest_api_bdd_report_sections(self, config: pytest.Config) -> list[ReportSection]:
        self.finish()
        return [] if self.section is None else [self.section]

    @pytest.hookimpl(trylast=True)  # when no living docs asked for the section first
    def pytest_sessionfinish(self) -> None:
        self.finish()

    def finish(self) -> None:
        if self.done or self.path is None or self.sharded or not self.records:
            return
        self.done = True
        from reporting.history import HistoryError
        from reporting.history_rows import scenario_results

        results = scenario_results(self.records.values(), self.redactor)
        # an interrupted run is partial: its scenarios that never ran would read as removed
        # (and as new in the next run), so it is not kept; the view shows the runs before it
        append = not self.interrupted
        from reporting.history_view import append_and_view  # Jinja2 loads when a run ends

        try:
            self.section = append_and_view(
                self.path, self.run_facts(results), results, self.keep, append=append
            )
        except HistoryError as err:
            self.lines.append(f"api-bdd: no run history: {err}")
            return
        if append:
            self.lines.append(f"api-bdd: history: this run appended to {self.path}")
        else:
            self.lines.append(
                f"api-bdd: history: this run was interrupted: not appended to {self.path}"
            )

    def pytest_keyboard_interrupt(self) -> None:  # Ctrl-C, SIGTERM, pytest.exit
        self.interrupted = True

    def run_facts(self, results: list[ScenarioResult]) -> RunFacts:
        from reporting.history_rows import waited

        commit, branch = git_facts_of(self.config)
        given = self.config.getoption("base_url", None) or self.config.getini("base_url")
        records = list(self.records.values())
        return RunFacts(
            started=self.started,
            duration=time.time() - self.started,
            profile=self.profile,
            base_url=outbound.controller_text(str(given), self.redactor) if given else "embedded",
            commit=commit,
            branch=branch,
            retried=sum(r.retried for r in results),
            waited=waited(records),
            document=self.document,
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.lines:
            failed = line.startswith("api-bdd: no run history")
            terminalreporter.write_line(line, yellow=failed)
