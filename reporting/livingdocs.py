"""Writes the living documentation on the controller (or the only process) at the end of a run.

Options: ``--living-docs PATH`` (default ``reports/living-docs.html``), ``--no-living-docs``,
``--catalog-source`` (the step catalog names each step's Python function),
``--living-docs-markdown PATH``, ``--cucumber-messages PATH``, ``--report-data PATH`` (the
records as JSON for ``python -m reporting.merge``; written by default under ``--shard``).
Records arrive on the teardown reports (from xdist workers too; a worker also sends the
skeleton on the setup report, so a scenario whose worker crashes is still reported, failed);
the step catalog comes from wherever items were collected (workers hand it over in
``workeroutput``).

Every report path (JUnit's too) is checked at start-up: an unwritable one is a usage error
before any test. At the end each file is written on its own: one that fails is one line in
the summary and a non-zero exit status, and the others are still written.

Redaction: :mod:`reporting.outbound` masks each record kind. A scenario record was masked in
the process that ran it; here, once per run and before any file is written, the records (when
the run learned values after the first one arrived: none under xdist, where the controller
learns nothing), the step catalog, the run's description and the extra
sections pass through it, and every file is written from that one masked copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from client.redaction import Redactor
from reporting import interrupt, outbound, shard
from reporting._pytest_private import junit_writer
from reporting.catalog import build_catalog
from reporting.document import build_document
from reporting.hookspecs import ReportSection
from reporting.paths import why_unwritable
from reporting.record_types import ScenarioRecord
from reporting.recorder import REPORT_ATTRIBUTE

CATALOG_KEY = "api_bdd_catalog"
# workerinput: this worker builds the step catalog (every worker collects every item, so one is
# enough; each of 8 spent ~20 ms on it at 500 scenarios, issue 19)
CATALOG_BUILDER = "api_bdd_catalog_builder"
DEFAULT_HTML = "reports/living-docs.html"


@dataclass(frozen=True)
class Outbound:
    """A run's report data as it leaves: masked once, then written to every file."""

    records: list[ScenarioRecord]
    catalog: list[dict[str, Any]]
    run: dict[str, Any]
    base_url: str


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd")
    group.addoption(
        "--living-docs",
        metavar="PATH",
        default=None,
        help=f"where to write the HTML living documentation (default {DEFAULT_HTML})",
    )
    group.addoption(
        "--no-living-docs",
        action="store_true",
        default=False,
        help="do not write the HTML living documentation",
    )
    group.addoption(
        "--living-docs-markdown",
        metavar="PATH",
        default=None,
        help="also write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)",
    )
    group.addoption(
        "--cucumber-messages",
        metavar="PATH",
        default=None,
        help="also write a Cucumber Messages NDJSON stream",
    )
    group.addoption(
        "--report-data",
        metavar="PATH",
        default=None,
        help="also write the scenario records as JSON for python -m reporting.merge"
        " (default under --shard: reports/report-data-I-of-N.json)",
    )
    group.addoption(
        "--catalog-source",
        action="store_true",
        default=False,
        help="show each step's Python function and file in the step catalog",
    )
    shard.pytest_addoption(parser)


def check_writable(path: Path) -> str | None:
    """Why ``path`` cannot be written (asked as the writer will go about it), or None."""
    return why_unwritable(path)


class LivingDocs:
    def __init__(self, config: pytest.Config, redactor: Redactor) -> None:
        self.config = config
        self.redactor = redactor
        self.records: dict[str, ScenarioRecord] = {}
        self.pending: set[str] = set()  # skeletons from workers whose teardown is still to come
        self.interrupted: str | None = None  # why the run stopped early (Ctrl-C, SIGTERM)
        self.known_at_first_record: int | None = None
        self.catalog: list[dict[str, Any]] = []
        self.builder: str | None = None  # (controller) the worker asked to build the catalog
        self.workers = False  # (controller) xdist started workers
        self.collected: Sequence[str] | None = None  # (controller) what the workers collected
        self.started_ids: set[str] = set()  # every test that started (its set-up was reported)
        self.sections: list[ReportSection] = []
        self.started = time.time()
        self.worker = hasattr(config, "workerinput")
        self.shard = shard.resolve_shard(config)
        self.sharding = None if self.shard is None else shard.Sharding(self.shard)
        if self.sharding is not None:
            config.pluginmanager.register(self.sharding, "api-bdd-shard")
        html = (
            None
            if config.getoption("no_living_docs")
            else (config.getoption("living_docs") or DEFAULT_HTML)
        )
        self.html = _path(html)
        self.markdown = _path(config.getoption("living_docs_markdown"))
        self.messages = _path(config.getoption("cucumber_messages"))
        data = config.getoption("report_data")
        if data is None and self.shard is not None:
            data = f"reports/report-data-{self.shard.index}-of-{self.shard.total}.json"
        self.data = _path(data)
        self.written: list[Path] = []
        self.failures: list[str] = []
        self._run: dict[str, Any] | None = None
        if not self.worker:
            self.check_paths()

    @property
    def wanted(self) -> bool:
        return any((self.html, self.markdown, self.messages, self.data))

    def check_paths(self) -> None:
        junit = getattr(self.config.option, "xmlpath", None)
        for flag, path in (
            ("--living-docs", self.html),
            ("--living-docs-markdown", self.markdown),
            ("--cucumber-messages", self.messages),
            ("--report-data", self.data),
            ("--junitxml", _path(junit)),
        ):
            problem = None if path is None else check_writable(path)
            if problem is not None:
                raise pytest.UsageError(f"api-bdd: cannot write {flag} {path}: {problem}")

    # -- where items are collected: here (serial) or on each xdist worker ------------------------
    # The step catalog is built when a file is written from it (serial) or when a worker's
    # session ends (its output goes to the controller then): a --collect-only run builds none.
    def catalog_of(self, session: pytest.Session) -> list[dict[str, Any]]:
        if not self.catalog and session.items:
            self.catalog = build_catalog(session.items)
        return self.catalog

    # -- from workers -----------------------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """The first worker started builds the step catalog; when it stops without one (it
        crashed), the next worker started (xdist's replacement) builds it."""
        self.workers = True
        if self.builder is None and not self.catalog:
            self.builder = str(node.gateway.id)
            node.workerinput[CATALOG_BUILDER] = True

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: Sequence[str]) -> None:
        if self.collected is None:  # every worker collects the same (xdist checks it)
            self.collected = ids

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        catalog = getattr(node, "workeroutput", {}).get(CATALOG_KEY)
        if catalog and not self.catalog:
            self.catalog = catalog
        elif self.builder == str(node.gateway.id) and not self.catalog:
            self.builder = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "setup":
            self.started_ids.add(report.nodeid)
        record = getattr(report, REPORT_ATTRIBUTE, None)
        if record is not None:
            if self.known_at_first_record is None:
                self.known_at_first_record = self.redactor.generation
            self.records[record["id"]] = record
            if report.when == "setup":
                self.pending.add(record["id"])
            else:
                self.pending.discard(record["id"])
        elif report.when not in ("setup", "call", "teardown") and report.failed:
            self.crashed(report)

    def crashed(self, report: pytest.TestReport) -> None:
        """pytest-xdist's report of a worker that died running the test: only the skeleton the
        worker sent at setup is known, so the scenario is failed with the crash as its error.
        (A worker interrupted in a test reports it whole first: then it stays as reported.)"""
        skeleton = self.records.get(report.nodeid)
        if skeleton is not None and report.nodeid in self.pending:
            self.pending.discard(report.nodeid)
            message = outbound.controller_text(
                report.longreprtext.strip() or "the worker crashed", self.redactor
            )
            self.records[report.nodeid] = {**skeleton, "status": "failed", "error": message}

    # -- writing ----------------------------------------------------------------------------------
    def base_url(self) -> str:
        """The profile's base URL (``--base-url`` applied), or where the embedded API ran."""
        run = self.run_description()
        given = self.config.getoption("base_url", None) or self.config.getini("base_url")
        if run.get("base_url") and not run.get("embedded"):
            given = run["base_url"]
        elif run.get("embedded") and not given:
            given = f"the embedded {run['embedded']} API on 127.0.0.1 (one per worker)"
        given = str(given) if given else "the embedded API (one per worker)"
        return outbound.controller_text(given, self.redactor)

    def run_description(self) -> dict[str, Any]:
        """The profile's description for the header, with the git commit when known."""
        if self._run is None:
            hook = getattr(self.config.hook, "pytest_api_bdd_run_description", None)
            found = None if hook is None else hook(config=self.config)
            from reporting.history_plugin import git_facts_of  # git runs when a page is written

            self._run = {**(found or {}), **git_state(git_facts_of(self.config))}
        return self._run

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = interrupt.reason(excinfo.value)

    def finish_pending(self) -> None:
        """Scenarios a worker started but never reported whole (the run was stopped): in the
        report as interrupted, with what is known (the skeleton), never left out."""
        for nodeid in sorted(self.pending):
            why = self.interrupted or "the run ended before this scenario's worker reported it"
            self.records[nodeid] = {
                **self.records[nodeid],
                "status": "failed",
                "interrupted": why,
                "error": f"RunInterrupted: {why}",
            }
        self.pending.clear()

    def notices(self, session: pytest.Session) -> list[str]:
        """What the reports lack, most important first: an interrupted run, the tests it never
        started, a step catalog no worker delivered."""
        found = []
        if session.exitstatus == pytest.ExitCode.INTERRUPTED:
            why = self.interrupted or str(session.shouldstop or "interrupted")
            found.append(
                f"This run was {why}: the scenario running then is marked interrupted, the"
                " ones after it did not run."
            )
        found.extend(self.not_run(session))
        if self.workers and not self.catalog and self.records:
            found.append(
                "The step catalog is missing: the worker building it stopped, and no worker"
                " was started in its place (see the run's output)."
            )
        return found

    def not_run(self, session: pytest.Session) -> list[str]:
        """A notice naming the tests collected that never started (a run stopped by
        ``--maxfail`` or ``-x``, or by a crashed worker no other replaced): no scenario is
        left out of the report without a word."""
        collected = (
            [item.nodeid for item in session.items] if self.collected is None else self.collected
        )
        missing = [nodeid for nodeid in collected if nodeid not in self.started_ids]
        if not missing or len(missing) == len(collected):  # none left out, or none ran at all
            return []
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        return [
            f"{len(missing)} of the {len(collected)} tests collected did not run (the run"
            f" stopped before them): {outbound.controller_text(shown, self.redactor)}."
        ]

    def masked(self) -> Outbound:
        """What every file of this run is written from, masked once (:mod:`reporting.outbound`)."""
        return Outbound(
            records=outbound.scenario_records(
                list(self.records.values()), self.redactor, since=self.known_at_first_record or 0
            ),
            catalog=outbound.catalog_entries(self.catalog, self.redactor),
            run=outbound.run_description(self.run_description(), self.redactor),
            base_url=self.base_url(),
        )

    def document(self, out: Outbound, notices: list[str]) -> dict[str, Any]:
        return build_document(
            out.records,
            out.catalog,
            generated_at=datetime.fromtimestamp(self.started, UTC).strftime(
                "%Y-%m-%d %H:%M:%S UTC"
            ),
            base_url=out.base_url,
            duration=time.time() - self.started,
            notices=notices,
            run=out.run,
            operations=self.config.hook.pytest_api_bdd_scenario_operations(config=self.config),
            catalog_source=bool(self.config.getoption("catalog_source")),
        )

    @pytest.hookimpl(tryfirst=True)  # before pytest's JUnit writer: the sections' properties
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker:  # no report file on xdist workers: the controller writes it
            builds = self.config.workerinput.get(CATALOG_BUILDER, False)  # type: ignore[attr-defined]
            if self.wanted and builds:  # (xdist sends the worker's output after sessionfinish)
                self.config.workeroutput[CATALOG_KEY] = self.catalog_of(session)  # type: ignore[attr-defined]
            return
        answers = self.config.hook.pytest_api_bdd_report_sections(config=self.config)
        self.sections = outbound.report_sections(answers, self.redactor)
        junit = junit_writer(self.config)
        if junit is not None:
            for section in self.sections:
                for name, value in section["properties"].items():
                    junit.add_global_property(name, value)
            if self.shard is not None:  # so the merge knows whose JUnit file it reads
                junit.add_global_property("api-bdd.shard", str(self.shard))
                junit.add_global_property("api-bdd.run", shard.resolve_run() or "")
        if self.wanted and (self.records or self.data):
            self.write_all(session)

    def write_all(self, session: pytest.Session) -> None:
        self.finish_pending()
        self.catalog_of(session)
        out = self.masked()
        document = self.document(out, self.notices(session))
        outputs: list[tuple[Path | None, Callable[[Callable[[str], Any]], Any], bool]] = [
            (self.html, lambda write: _html(document, self.sections, write), False),
            (self.markdown, lambda write: write(self._markdown(document)), True),
            (self.messages, lambda write: write(self._messages(document)), False),
            (self.data, lambda write: write(self._data(out)), False),
        ]
        for path, produce, append in outputs:
            if path is not None and (self.records or path == self.data):
                self._write(path, produce, append=append)
        if self.failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def _markdown(self, document: dict[str, Any]) -> str:
        from reporting.markdown import render_markdown

        return render_markdown(
            document, None if self.html is None else str(self.html), self.sections
        )

    def _messages(self, document: dict[str, Any]) -> str:
        from reporting.messages import read_sources, render_messages

        return render_messages(document, read_sources(document, self.config.rootpath), self.started)

    def _data(self, out: Outbound) -> str:
        records = out.records
        document = {"features": [{"uri": r["feature"]["uri"]} for r in records]}
        from reporting import history_plugin, merge  # the writers' libraries load when needed
        from reporting.messages import read_sources

        data = merge.blob(
            records,
            out.catalog,
            read_sources(document, self.config.rootpath),
            self.sections,
            started=self.started,
            finished=time.time(),
            base_url=out.base_url,
            shard=None if self.sharding is None else self.sharding.record(shard.resolve_run()),
            history=history_plugin.shard_facts(self.config),
            run=out.run,
            operations=self.config.hook.pytest_api_bdd_scenario_operations(config=self.config),
        )
        return json.dumps(data, ensure_ascii=False)

    def _write(
        self, path: Path, produce: Callable[[Callable[[str], Any]], Any], *, append: bool = False
    ) -> None:
        """Write a file from ``produce(write)``, in pieces. A regular file (or none yet) is
        written beside itself and then put in its place, so a failure leaves the previous one
        as it was; anything else at the path (a symlink, a pipe, /dev/stdout) is written into,
        as is a file whose directory takes no new file."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if append or not _replaceable(path) or not _write_beside(path, produce):
                with path.open("a" if append else "w", encoding="utf-8") as out:
                    produce(out.write)
        except (OSError, UnicodeDecodeError) as err:  # a full disk, a feature file gone bad
            reason = getattr(err, "strerror", None) or str(err)
            self.failures.append(f"api-bdd: could not write {path}: {reason}")
            return
        self.written.append(path)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for path in self.written:
            terminalreporter.write_line(f"api-bdd: wrote {path}")
        for line in self.failures:
            terminalreporter.write_line(line, red=True, bold=True)


def git_state(facts: tuple[str | None, str | None]) -> dict[str, str]:
    """The commit (short) and branch for the page's header, from what the run history stores
    (:func:`~reporting.history_plugin.git_facts_of`), so the two never disagree."""
    commit, branch = facts
    state = {}
    if commit:
        state["commit"] = commit[:12]
    if branch:
        state["branch"] = branch
    return state


def _path(value: str | None) -> Path | None:
    """A path from the command line, relative to the directory pytest was started in."""
    if value is None:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path


def _replaceable(path: Path) -> bool:
    """Whether the path is a regular file (not through a symlink) or nothing yet."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return True


def _write_beside(path: Path, produce: Callable[[Callable[[str], Any]], Any]) -> bool:
    """Write a new file in the path's directory and move it into place (keeping the old file's
    permissions); False when the directory takes no new file (then the caller writes into the
    path itself). Whatever goes wrong while producing, the new file is removed."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return False
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            produce(out.write)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(partial, stat.S_IMODE(path.stat().st_mode))
        if not path.exists():
            os.chmod(partial, 0o666 & ~_umask())
        partial.replace(path)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _html(document: Any, sections: Any, write: Callable[[str], Any]) -> None:
    from reporting.html import write_html  # Jinja2 loads when the page is written

    write_html(document, sections, write)
