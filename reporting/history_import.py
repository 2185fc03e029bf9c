"""Backfill the run history from JUnit XML files (a suite that ran before it had api-bdd)::

    python -m reporting.history import junit-*.xml [--history PATH] [--profile NAME]

Each file is one run, appended oldest first (by the suites' ``timestamp``, else the file's
modification time). A test case is a scenario: its class name stands for the feature, its name
for the scenario, and a parametrized name's ``[...]`` for the Examples row. A ``<failure>`` or
``<error>`` is failed, ``<skipped>`` skipped, anything else passed; the failure's first line is
redacted by shape (a token, a password in a URL) before it is stored. A file that is not JUnit
XML is one line on stderr and the exit status is 2; the others are still imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from junitparser import Error, Failure, JUnitXml, JUnitXmlError, Skipped, TestSuite

from client.redaction import Redactor
from reporting.history import HistoryError, HistoryStore, RunFacts, ScenarioResult

DEFAULT_PATH = "reports/history.sqlite"


def _suites(xml: Any) -> list[TestSuite]:
    return list(xml) if isinstance(xml, JUnitXml) else [xml]


def _started(suites: Iterable[TestSuite], path: Path) -> float:
    for suite in suites:
        stamp = suite.timestamp
        if stamp:
            try:
                return datetime.fromisoformat(str(stamp)).timestamp()
            except ValueError:
                continue
    return path.stat().st_mtime


def _case_result(case: Any, redactor: Redactor) -> ScenarioResult:
    name = str(case.name or "")
    base, bracket, rest = name.partition("[")
    example = rest[:-1] if bracket and rest.endswith("]") else ""
    status, failure = "passed", None
    for outcome in case.result:
        if isinstance(outcome, Failure | Error):
            status = "failed"
            text = outcome.message or outcome.text or type(outcome).__name__.lower()
            first = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
            failure = redactor.redact(first[:300]) or None
            break
        if isinstance(outcome, Skipped):
            status = "skipped"
    return ScenarioResult(
        uri=str(case.classname or ""),
        name=base if example else name,
        example=example,
        status=status,
        duration=float(case.time or 0.0),
        failure=failure,
    )


def read_run(path: Path, profile: str) -> tuple[RunFacts, list[ScenarioResult]]:
    """One JUnit file as a run; ValueError (one line) when it is not JUnit XML."""
    try:
        suites = _suites(JUnitXml.fromfile(str(path)))
    except (JUnitXmlError, SyntaxError, ValueError, OSError) as err:
        raise ValueError(f"{path}: not a JUnit XML file ({' '.join(str(err).split())})") from None
    redactor = Redactor()
    results = {}
    for suite in suites:
        for case in suite:
            result = _case_result(case, redactor)
            results[result.key] = result
    run = RunFacts(
        started=_started(suites, path),
        duration=sum(float(s.time or 0.0) for s in suites),
        profile=profile,
        base_url="imported from JUnit XML",
        source="junit",
    )
    return run, list(results.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reporting.history",
        description="Backfill the api-bdd run history from JUnit XML files (one run each).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    backfill = commands.add_parser("import", help="add past runs from JUnit XML files")
    backfill.add_argument("files", nargs="+", type=Path, metavar="JUNIT_XML")
    backfill.add_argument("--history", type=Path, default=Path(DEFAULT_PATH), metavar="PATH")
    backfill.add_argument(
        "--profile", default="default", help="the API profile the runs were of (default: default)"
    )
    args = parser.parse_args(argv)
    runs, status = [], 0
    for path in args.files:
        try:
            runs.append(read_run(path, args.profile))
        except ValueError as err:
            print(f"api-bdd: {err}", file=sys.stderr)
            status = 2
    try:
        with HistoryStore.open(args.history) as store:
            for run, results in sorted(runs, key=lambda pair: pair[0].started):
                store.append(run, results)
    except HistoryError as err:
        print(f"api-bdd: no run history: {err}", file=sys.stderr)
        return 2
    print(f"api-bdd: imported {len(runs)} run(s) into {args.history}")
    return status
