"""Records are masked once, in one place, on their way out (:mod:`reporting.outbound`).

A structural test: the modules that write records (living docs, history, merge, import) call
no Redactor themselves, and only ``reporting/outbound.py`` walks a record with the redactor.
And the end-to-end one: a value learned after an earlier record was made is masked in every
file the run writes (serial).
"""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.stub_server import stub_server
from tests.test_found_in_review import BASKET, GRAPHQL, KEY, _graphql, make_project, run

# The modules a record (or a row made from one) leaves through: none masks anything itself.
SINKS = (
    "reporting/livingdocs.py",
    "reporting/history_plugin.py",
    "reporting/history_rows.py",
    "reporting/history_import.py",
    "reporting/history_view.py",
    "reporting/merge.py",
    "reporting/document.py",
    "reporting/html.py",
    "reporting/markdown.py",
    "reporting/messages.py",
)
MASKING = {"redact", "redact_value"}  # a Redactor's methods that mask


def masking_calls(path: Path) -> list[str]:
    """``file:line name`` of each call of a Redactor's masking method in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MASKING
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    return found


def test_no_record_sink_masks_a_record_itself() -> None:
    """Each sink hands its records to reporting.outbound: a call of the redactor in a sink is a
    second implementation of how a record is masked (or a second pass over it)."""
    stray = [call for name in SINKS for call in masking_calls(ROOT / name)]
    assert stray == [], "masked outside reporting/outbound.py: " + ", ".join(stray)


def test_a_report_carries_its_record_out_through_the_outbound_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker's report hook masks the record it carries with outbound.scenario_record,
    once (twice only when masking the report learned a value: then by known values only)."""
    from client.redaction import Redactor
    from reporting import outbound, secrets

    calls: list[int | None] = []
    real = outbound.scenario_record

    def counted(record: Any, redactor: Redactor, *, since: int | None = None) -> Any:
        calls.append(since)
        return real(record, redactor, since=since)

    monkeypatch.setattr(outbound, "scenario_record", counted)
    report = SimpleNamespace(
        longrepr=None, sections=[], user_properties=[], api_bdd_scenario={"name": "S"}
    )
    secrets.scrub_report(report, Redactor())
    assert calls == [None]


def test_the_living_docs_mask_each_record_kind_once_for_all_their_files(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTML, Markdown, NDJSON and the report data are written from one masked copy: each kind
    passes through its outbound function once (the catalog and the run's description were
    masked once per file before)."""
    from reporting import outbound

    calls: list[str] = []
    for name in ("scenario_records", "catalog_entries", "run_description", "report_sections"):
        real = getattr(outbound, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(outbound, name, counted)
    make_project(pytester, {"basket.feature": BASKET})
    result = pytester.runpytest_inprocess(
        "-p", "no:randomly", "--living-docs-markdown", "summary.md",
        "--cucumber-messages", "messages.ndjson", "--report-data", "data.json",
    )  # fmt: skip
    result.assert_outcomes(passed=1)
    assert sorted(calls) == [
        "catalog_entries",
        "report_sections",
        "run_description",
        "scenario_records",
    ]


# the review's GraphQL API (a key learned by its name in a later answer), with the first
# scenario failing, so its record (made before the key was learned) reaches the history too
KEYS = GRAPHQL.replace("status is 200", "status is 201", 1)


def _history_text(path: Path) -> str:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(str(row) for t in tables for row in db.execute(f"SELECT * FROM {t}"))  # noqa: S608


def test_a_value_learned_after_an_earlier_record_is_masked_in_every_file(
    pytester: pytest.Pytester,
) -> None:
    """The first scenario fails showing a key under a name no rule knows; the second learns it
    by its name. The first one's record was made before: every file still masks it, the
    history included. (Serial only: under xdist the controller does not learn what a worker
    learned; see the README's Secrets section.)"""
    with stub_server() as server:
        server.route("/graphql")(_graphql)
        make_project(pytester, {"keys.feature": KEYS}, base_url=server.url)
        result = run(
            pytester, "-p", "no:randomly",
            "--living-docs-markdown", "summary.md", "--cucumber-messages", "messages.ndjson",
            "--report-data", "data.json", "--junitxml", "junit.xml",
        )  # fmt: skip
    result.assert_outcomes(passed=1, failed=1)
    written = {
        name: (pytester.path / name).read_text()
        for name in ("reports/living-docs.html", "summary.md", "messages.ndjson", "data.json")
    }
    history = pytester.path / "reports" / "history.sqlite"
    written["history"] = _history_text(history)
    leaks = [name for name, text in written.items() if KEY in text]
    assert leaks == [], f"the late key leaked into {leaks}"
