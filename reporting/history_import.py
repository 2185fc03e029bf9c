"""Backfill the run history from JUnit XML files (a suite that ran before it had api-bdd)::

    python -m reporting.history import junit-*.xml [--history PATH] [--profile NAME]

Each file is one run, appended oldest first (by the suites' ``timestamp``, else the file's
modification time). A test case is a scenario. When it is one of the feature files under
``--features DIR`` (default ``features``), as pytest-bdd names it (class name: the feature's
path with dots, ``test_`` and the scenario's name made a Python name, ``[values-joined-by-
dashes]`` for an Examples row), it is stored under the key api-bdd's own runs use (feature
path, scenario name, ``name=value`` row), so the backfilled runs line up with later ones;
otherwise its class name stands for the feature, its name for the scenario, and a
parametrized name's ``[...]`` for the row. A ``<failure>`` or
``<error>`` is failed, ``<skipped>`` skipped, anything else passed; the failure's first line is
redacted by shape (a token, a password in a URL) before it is stored. A file that is not JUnit
XML is one line on stderr and the exit status is 2; the others are still imported.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from junitparser import Error, Failure, JUnitXml, JUnitXmlError, Skipped, TestSuite

from client.profiles import load_profiles
from client.redaction import Redactor
from reporting.history import DEFAULT_PATH, HistoryError, HistoryStore, RunFacts, ScenarioResult
from reporting.outbound import history_row

# (JUnit class name, test name) -> (feature path, scenario name, {row id: row label})
ScenarioIndex = dict[tuple[str, str], tuple[str, str, dict[str, str]]]


def python_name(name: str) -> str:
    """pytest-bdd's test function name for a scenario (``make_python_name``, less its
    numbering of duplicates): a test names the function if pytest-bdd changes it."""
    return "test_" + re.sub(r"^\d+_*", "", re.sub(r"\W", "", name.replace(" ", "_"))).lower()


def _scenarios(children: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for child in children:
        if "scenario" in child:
            yield child["scenario"]
        elif "rule" in child:
            yield from _scenarios(child["rule"].get("children", []))


def _rows(scenario: dict[str, Any]) -> dict[str, str]:
    rows = {}
    for examples in scenario.get("examples", []):
        header = [c["value"] for c in (examples.get("tableHeader") or {}).get("cells", [])]
        for row in examples.get("tableBody", []):
            values = [c["value"] for c in row["cells"]]
            label = ", ".join(f"{k}={v}" for k, v in zip(header, values, strict=False))
            rows["-".join(values)] = label
    return rows


def scenario_index(features: Path, root: Path) -> ScenarioIndex:
    """The scenarios of the feature files under ``features`` by their pytest-bdd JUnit names;
    a file Gherkin cannot parse is left out (its cases keep their JUnit names)."""
    from gherkin.errors import CompositeParserException, ParserError
    from gherkin.parser import Parser
    from gherkin.token_scanner import TokenScanner

    index: ScenarioIndex = {}
    for path in sorted(features.rglob("*.feature")):
        try:
            document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
        except (CompositeParserException, ParserError, OSError, UnicodeDecodeError):
            continue
        uri = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        feature: Any = document.get("feature") or {}  # the parser's typed dicts, read as data
        children = feature.get("children", [])
        for scenario in _scenarios(children):
            key = (uri.replace("/", "."), python_name(scenario["name"]))
            index[key] = (uri, scenario["name"], _rows(scenario))
    return index


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


def _case_result(case: Any, redactor: Redactor, index: ScenarioIndex) -> ScenarioResult:
    name, uri = str(case.name or ""), str(case.classname or "")
    base, bracket, rest = name.partition("[")
    example = rest[:-1] if bracket and rest.endswith("]") else ""
    known = index.get((uri, base if example else name))
    if known is not None:  # a scenario of the feature files: keyed as api-bdd's runs key it
        uri, name, rows = known
        example = rows.get(example, example)
    elif example:
        name = base
    status, failure = "passed", None
    for outcome in case.result:
        if isinstance(outcome, Failure | Error):
            status = "failed"
            text = outcome.message or outcome.text or type(outcome).__name__.lower()
            first = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
            failure = first or None
            break
        if isinstance(outcome, Skipped):
            status = "skipped"
    row = ScenarioResult(
        uri=uri,
        name=name,
        example=example,
        status=status,
        duration=float(case.time or 0.0),
        failure=failure,
    )
    # a JUnit file was never masked: shapes too (a secret setting in an Examples row as well)
    return history_row(row, redactor, shapes=True)


SECRET_SETTINGS = ("API_PASSWORD", "API_KEY", "API_TOKEN", "API_CLIENT_SECRET")


def secret_settings(profile: str, root: Path) -> list[tuple[str, str | None]]:
    """(name, value) of the secret settings in the environment: the usual names and those the
    profile reads (when the project's profiles can be read), as a run knows them."""
    names = set(SECRET_SETTINGS)
    with contextlib.suppress(ValueError):  # no such profile, or unreadable: the usual names
        names.update(load_profiles(root).get(profile).secret_variables())
    return [(name, os.environ.get(name)) for name in sorted(names)]


def read_run(
    path: Path,
    profile: str,
    index: ScenarioIndex | None = None,
    secrets: Iterable[tuple[str, str | None]] = (),
) -> tuple[RunFacts, list[ScenarioResult]]:
    """One JUnit file as a run; ValueError (one line) when it is not JUnit XML. ``secrets``:
    (name, value) of values to mask, as the run's redactor would."""
    try:
        suites = _suites(JUnitXml.fromfile(str(path)))
    except (JUnitXmlError, SyntaxError, ValueError, OSError) as err:
        raise ValueError(f"{path}: not a JUnit XML file ({' '.join(str(err).split())})") from None
    redactor = Redactor()
    for name, value in secrets:
        redactor.add(value, name)
    results = {}
    for suite in suites:
        for case in suite:
            result = _case_result(case, redactor, index or {})
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
    backfill.add_argument(
        "--features",
        type=Path,
        default=Path("features"),
        metavar="DIR",
        help="the feature files the JUnit files' scenarios come from (default: features)",
    )
    args = parser.parse_args(argv)
    index = scenario_index(args.features, Path.cwd()) if args.features.is_dir() else {}
    runs, status = [], 0
    secrets = secret_settings(args.profile, Path.cwd())
    for path in args.files:
        try:
            runs.append(read_run(path, args.profile, index, secrets))
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
