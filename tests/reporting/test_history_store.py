"""The history store itself: schema versions, files it must refuse, concurrent appends, pruning,
and the backfill from JUnit XML."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reporting.history import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    RunFacts,
    ScenarioResult,
)
from reporting.history_import import main as import_main
from tests.conftest import ROOT


def run(started: float = 1.0, profile: str = "shop") -> RunFacts:
    return RunFacts(started=started, duration=2.0, profile=profile, base_url="embedded")


def results(*statuses: str) -> list[ScenarioResult]:
    return [
        ScenarioResult("features/a.feature", f"scenario {n}", "", status, 0.5, 2, 0)
        for n, status in enumerate(statuses)
    ]


def test_an_older_schema_migrates_itself_keeping_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    db = sqlite3.connect(path)  # a file written by the first version of the schema
    db.executescript(MIGRATIONS[0])
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute("PRAGMA user_version=1")
    db.execute(
        "INSERT INTO runs (started, duration, profile, base_url, passed, failed, undefined,"
        " ambiguous, skipped, retried, waited, source) VALUES (1, 2, 'shop', 'x', 3, 0, 0, 0,"
        " 0, 0, 0, 'run')"
    )
    db.commit()
    db.close()
    with HistoryStore.open(path) as store:
        store.append(run(2.0), results("passed"), keep=0)
        runs = store.runs("shop")
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
    assert SCHEMA_VERSION > 1
    assert version == SCHEMA_VERSION
    assert [(r.counts["passed"], r.document) for r in runs] == [(3, None), (1, None)]


def test_a_history_from_a_newer_api_bdd_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    HistoryStore.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError) as caught:
        HistoryStore.open(path)
    assert str(caught.value) == (
        f"{path}: written by a newer api-bdd (schema {SCHEMA_VERSION + 1}, this one reads up to"
        f" {SCHEMA_VERSION})"
    )


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="not an api-bdd history file"):
        HistoryStore.open(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(HistoryError) as caught:
        HistoryStore.open(path)
    assert str(caught.value) == f"{path}: file is not a database"


def test_a_history_locked_by_another_process_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    HistoryStore.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError) as caught:
            HistoryStore.open(path, timeout=0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(caught.value) == f"{path}: database is locked"


APPENDER = """
import sys
from pathlib import Path
from reporting.history import HistoryStore, RunFacts, ScenarioResult
results = [ScenarioResult("f.feature", f"s{n}", "", "passed") for n in range(300)]
for number in range(15):
    with HistoryStore.open(Path(sys.argv[1])) as store:
        store.append(RunFacts(float(number), 1.0, sys.argv[2], "x"), results, keep=100)
"""


def test_two_processes_appending_at_once_keep_every_run(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    command = [sys.executable, "-c", APPENDER, str(path)]
    writers = [
        subprocess.Popen([*command, name], cwd=ROOT, stderr=subprocess.PIPE)
        for name in ("one", "two")
    ]
    errors = [w.communicate()[1].decode() for w in writers]
    assert errors == ["", ""]
    with HistoryStore.open(path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for name in ("one", "two"):
            runs = store.runs(name, 99)
            assert len(runs) == 15
            assert all(len(r.statuses) == 300 for r in runs)


def test_keep_prunes_the_oldest_runs_and_their_results(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        for number in range(5):
            store.append(run(float(number)), results("passed", "failed"), keep=3)
        assert [r.started for r in store.runs(None, 99)] == [2.0, 3.0, 4.0]
        rows = store.db.execute("SELECT count(*) FROM results").fetchone()[0]
    assert rows == 3 * 2


def test_the_window_is_one_profiles_newest_runs_oldest_first(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        for number in range(4):
            store.append(run(float(number), "shop"), results("passed"))
            store.append(run(float(number), "httpbin"), results("failed"))
        shop = store.runs("shop", 2)
    assert [(r.profile, r.started) for r in shop] == [("shop", 2.0), ("shop", 3.0)]


TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlMTIz"  # a JWT's shape
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="3" time="1.5"
 timestamp="{stamp}">
<testcase classname="tests.test_orders" name="test_order[2-59.98]" time="0.5"/>
<testcase classname="tests.test_orders" name="test_stock" time="0.5">
<failure message="AssertionError: token {token} was refused&#10;second line">trace</failure>
</testcase>
<testcase classname="tests.test_orders" name="test_later" time="0.0">
<skipped message="later"/></testcase>
</testsuite></testsuites>
"""


def test_junit_files_backfill_past_runs_oldest_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer, older = tmp_path / "junit-2.xml", tmp_path / "junit-1.xml"
    newer.write_text(JUNIT.format(token=TOKEN, stamp="2026-11-02T10:00:00"))
    passing = re.sub(r"<failure.*?</failure>", "", JUNIT, flags=re.S)
    older.write_text(passing.format(token=TOKEN, stamp="2026-11-01T10:00:00"))
    history = tmp_path / "h.sqlite"
    assert import_main(["import", str(newer), str(older), "--history", str(history)]) == 0
    assert capsys.readouterr().out == f"api-bdd: imported 2 run(s) into {history}\n"
    with HistoryStore.open(history) as store:
        first, second = store.runs(None, 9)
        names = store.names(second.statuses)
        results = store.results(second.id)
    assert (first.source, first.counts["failed"], second.counts["failed"]) == ("junit", 0, 1)
    assert first.started < second.started
    failures = [r.failure for r in results.values() if r.failure]
    assert len(failures) == 1
    assert failures[0].startswith("AssertionError: token ")
    assert "eyJzdWIiOiJ1c2VyIn0" not in failures[0]  # a token's shape is masked
    assert sorted((n.name, n.example) for n in names.values()) == [
        ("test_later", ""),
        ("test_order", "2-59.98"),
        ("test_stock", ""),
    ]


def test_a_file_that_is_not_junit_is_one_line_and_the_others_are_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "junit.xml", tmp_path / "notes.xml"
    good.write_text(JUNIT.format(token=TOKEN, stamp="2026-11-02T10:00:00"))
    bad.write_text("not xml at all")
    history = tmp_path / "h.sqlite"
    assert import_main(["import", str(bad), str(good), "--history", str(history)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"api-bdd: {bad}: not a JUnit XML file")
    with HistoryStore.open(history) as store:
        assert len(store.runs(None, 9)) == 1


def test_the_backfill_runs_as_a_module(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT.format(token=TOKEN, stamp="2026-11-02T10:00:00"))
    done = subprocess.run(
        [sys.executable, "-m", "reporting.history", "import", str(junit), "--history", "h.db"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "h.db").exists()
