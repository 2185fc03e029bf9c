"""Writes the living documentation on the controller (or the only process) at the end of a run.

Options: ``--living-docs PATH`` (default ``reports/living-docs.html``), ``--no-living-docs``,
``--living-docs-markdown PATH``, ``--cucumber-messages PATH``. Records arrive on the teardown
reports (from xdist workers too); the step catalog comes from wherever items were collected
(workers hand it over in ``workeroutput``). Every file passes the redactor once more.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from client.redaction import Redactor
from reporting.catalog import build_catalog
from reporting.document import build_document
from reporting.html import render_html
from reporting.markdown import render_markdown
from reporting.recorder import REPORT_ATTRIBUTE

CATALOG_KEY = "api_bdd_catalog"
DEFAULT_HTML = "reports/living-docs.html"


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


class LivingDocs:
    def __init__(self, config: pytest.Config, redactor: Redactor) -> None:
        self.config = config
        self.redactor = redactor
        self.records: dict[str, dict[str, Any]] = {}
        self.catalog: list[dict[str, Any]] = []
        self.started = time.time()
        self.worker = hasattr(config, "workerinput")
        html = (
            None
            if config.getoption("no_living_docs")
            else (config.getoption("living_docs") or DEFAULT_HTML)
        )
        self.html = _path(html)
        self.markdown = _path(config.getoption("living_docs_markdown"))
        self.messages = _path(config.getoption("cucumber_messages"))
        self.written: list[Path] = []

    @property
    def wanted(self) -> bool:
        return any((self.html, self.markdown, self.messages))

    # -- where items are collected: here (serial) or on each xdist worker ------------------------
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not session.items or not self.wanted:
            return
        self.catalog = build_catalog(session.items)
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # the controller renders it
            workeroutput[CATALOG_KEY] = self.catalog

    # -- from workers -----------------------------------------------------------------------------
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        catalog = getattr(node, "workeroutput", {}).get(CATALOG_KEY)
        if catalog and not self.catalog:
            self.catalog = catalog

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = getattr(report, REPORT_ATTRIBUTE, None)
        if record is not None:
            self.records[record["id"]] = record

    # -- writing ----------------------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        given = self.config.getoption("base_url", None) or self.config.getini("base_url")
        base = str(given) if given else "the embedded demo API (one per worker)"
        return build_document(
            list(self.records.values()),
            self.catalog,
            generated_at=datetime.fromtimestamp(self.started, UTC).strftime(
                "%Y-%m-%d %H:%M:%S UTC"
            ),
            base_url=self.redactor.redact(base),
            duration=time.time() - self.started,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker or not self.wanted or not self.records:
            return  # no report file on xdist workers: the controller writes it
        document = self.document()
        if self.html is not None:
            self._write(self.html, render_html(document))
        if self.markdown is not None:
            html = None if self.html is None else str(self.html)
            self._write(self.markdown, render_markdown(document, html), append=True)
        if self.messages is not None:
            from reporting.messages import render_messages

            self._write(
                self.messages, render_messages(document, self.config.rootpath, self.started)
            )

    def _write(self, path: Path, text: str, *, append: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if append else "w", encoding="utf-8") as out:
            # the records were redacted by value and shape in the worker; here known values
            # again (every encoding), without shape rules that would cut through the markup
            out.write(self.redactor.redact(text, shapes=False))
        self.written.append(path)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for path in self.written:
            terminalreporter.write_line(f"api-bdd: wrote {path}")


def _path(value: str | None) -> Path | None:
    """A path from the command line, relative to the directory pytest was started in."""
    if value is None:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path
