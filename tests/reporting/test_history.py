"""The run history end to end: pytest runs of a small feature append themselves to SQLite, the
merge of shards appends once, and a history that cannot be used never costs the run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import cast

import pytest
import yaml  # type: ignore[import-untyped]  # pyyaml ships no types; no stubs in the lock

from reporting import history_import, merge
from reporting.history import HistoryStore
from tests.conftest import ROOT, bdd_project
from tests.reporting.test_living_docs import embedded_data

SAMPLE = Path(__file__).parent / "history_sample"
HISTORY = Path("reports") / "history.sqlite"


def history_project(pytester: pytest.Pytester) -> None:
    bdd_project(pytester, SAMPLE / "history_steps.py", [SAMPLE / "history.feature"])


def run_number(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, number: int, *args: str
) -> pytest.RunResult:
    """The sample's run ``number`` (its second run fails one scenario)."""
    monkeypatch.setenv("HISTORY_RUN", str(number))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def stored(path: Path) -> list[tuple[str, int, int]]:
    with HistoryStore.open(path) as store:
        return [(r.source, r.counts["passed"], r.counts["failed"]) for r in store.runs(None, 99)]


def test_each_run_appends_itself_with_its_scenarios_by_stable_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 1).assert_outcomes(passed=4)
    second_run = run_number(pytester, monkeypatch, 2, "--living-docs-markdown", "summary.md")
    second_run.assert_outcomes(passed=3, failed=1)
    second_run.stdout.fnmatch_lines(["api-bdd: history: this run appended to */history.sqlite"])
    path = pytester.path / HISTORY
    assert stored(path) == [("run", 4, 0), ("run", 3, 1)]
    with HistoryStore.open(path) as store:
        first, second = store.runs(None, 99)
        names = store.names(second.statuses)
        results = store.results(second.id)
    assert first.statuses.keys() == second.statuses.keys()  # the same four scenarios, by key
    labels = sorted((n.uri, n.name, n.example) for n in names.values())
    assert labels == [
        ("features/history.feature", "Always passes", ""),
        ("features/history.feature", "Counting apples", "count=1"),
        ("features/history.feature", "Counting apples", "count=2"),
        ("features/history.feature", "Fails in the second run only", ""),
    ]
    failed = [r for r in results.values() if r.status == "failed"]
    assert [r.failure for r in failed] == ["AssertionError: the second run fails on purpose"]
    assert second.profile == "shop"
    assert second.commit is None or len(second.commit) == 40
    assert all(r.requests == 0 for r in results.values())
    assert all(r.duration >= 0 for r in results.values())


def test_the_history_path_comes_from_the_option_and_no_history_keeps_none(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 1, "--history", "elsewhere/h.sqlite")
    run_number(pytester, monkeypatch, 1, "--no-history")
    assert stored(pytester.path / "elsewhere" / "h.sqlite") == [("run", 4, 0)]
    assert not (pytester.path / HISTORY).exists()


def test_a_corrupt_history_is_one_line_and_the_run_goes_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    path = pytester.path / HISTORY
    path.parent.mkdir()
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = run_number(pytester, monkeypatch, 2, "--living-docs-markdown", "summary.md")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the run's own status, unchanged
    lines = [ln for ln in result.outlines if "run history" in ln]
    assert lines == [f"api-bdd: no run history: {path}: file is not a database"]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert (pytester.path / "reports" / "living-docs.html").exists()
    assert (pytester.path / "summary.md").exists()
    assert run_number(pytester, monkeypatch, 1).ret == pytest.ExitCode.OK  # a passing run passes


def test_a_merge_with_an_unusable_history_still_writes_every_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 1, "--shard", "1/1", "--report-data", "s/data.json")
    foreign = pytester.path / "foreign.sqlite"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    out = pytester.path / "out"
    assert merge.main([str(pytester.path / "s"), "--out", str(out), "--history", str(foreign)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"api-bdd: no run history: {foreign}: not an api-bdd history file (another program's)"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["living-docs.html", "run.ndjson", "summary.md"]


def test_history_keep_prunes_the_oldest_runs(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    for number in (2, 1, 1):
        run_number(pytester, monkeypatch, number, "--history-keep", "2")
    assert stored(pytester.path / HISTORY) == [("run", 4, 0), ("run", 4, 0)]


def test_a_bad_history_keep_is_a_usage_error(pytester: pytest.Pytester) -> None:
    history_project(pytester)
    result = pytester.runpytest_subprocess("--history-keep", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "api-bdd: --history-keep must be at least 1, not 0" in result.stderr.str()


def test_shards_do_not_append_and_their_merge_appends_once(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    for index in (1, 2):
        data = f"shard-{index}/report-data.json"
        run_number(pytester, monkeypatch, 1, "--shard", f"{index}/2", "--report-data", data)
    assert not (pytester.path / HISTORY).exists()
    history = pytester.path / "merged-history.sqlite"
    shards = [pytester.path / "shard-1", pytester.path / "shard-2"]
    merge.main([*map(str, shards), "--out", str(pytester.path / "out"), "--history", str(history)])
    assert stored(history) == [("merge", 4, 0)]
    with HistoryStore.open(history) as store:
        assert store.runs(None, 1)[0].profile == "shop"  # the shards' profile, from their data
    html = (pytester.path / "out" / "living-docs.html").read_text()
    assert 'id="history"' in html
    assert len(embedded_data(html)["features"]) == 1


def test_a_second_merge_of_other_shards_is_a_second_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 2, "--shard", "1/1", "--report-data", "s/data.json")
    history = pytester.path / "h.sqlite"
    out = pytester.path / "out"
    for _ in range(2):
        merge.main([str(pytester.path / "s"), "--out", str(out), "--history", str(history)])
    assert stored(history) == [("merge", 3, 1), ("merge", 3, 1)]
    summary = (out / "summary.md").read_text()
    assert "**Since the last run**" in summary


def test_no_history_on_merge(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 1, "--shard", "1/1", "--report-data", "s/data.json")
    monkeypatch.chdir(pytester.path)
    merge.main(["s", "--out", "out", "--no-history"])
    assert not (pytester.path / HISTORY).exists()
    assert json.loads((pytester.path / "s" / "data.json").read_text())["history"]["profile"]


def test_the_history_file_is_an_api_bdd_sqlite_database(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 1)
    db = sqlite3.connect(pytester.path / HISTORY)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_the_ci_examples_keep_the_history_in_a_cache_keyed_by_branch() -> None:
    for name, job in (("features.yml", "features"), ("sharded.yml", "merge")):
        workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
        steps = workflow["jobs"][job]["steps"]
        uses = [s.get("uses", "") for s in steps]
        restore = uses.index("actions/cache/restore@v4")
        save = uses.index("actions/cache/save@v4")
        runs = [i for i, s in enumerate(steps) if "make run" in s.get("run", "")] or [
            i for i, s in enumerate(steps) if "reporting.merge" in s.get("run", "")
        ]
        assert restore < runs[0] < save, name
        for index in (restore, save):
            assert steps[index]["with"]["path"] == "reports/history.sqlite"
            assert "${{ github.ref_name }}" in steps[index]["with"]["key"]
        assert steps[save]["if"] == "always()"
    sharded = yaml.safe_load((ROOT / ".github" / "workflows" / "sharded.yml").read_text())
    shard_uses = [s.get("uses", "") for s in sharded["jobs"]["shard"]["steps"]]
    assert not any(u.startswith("actions/cache") for u in shard_uses)  # the merge appends once


def test_the_markdown_summary_says_what_changed_since_the_last_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    history_project(pytester)
    for number in (1, 2):
        run_number(pytester, monkeypatch, number, "--living-docs-markdown", f"summary-{number}.md")
    first = (pytester.path / "summary-1.md").read_text()
    second = (pytester.path / "summary-2.md").read_text()
    assert "### History: the last 1 run\n" in first
    assert "Since the last run" not in first  # nothing to compare with yet
    flaky = "features/history.feature: Fails in the second run only"
    assert f"- newly failing: 1: `{flaky}`" in second
    assert "- fixed: 0" in second
    assert "**The ten least stable scenarios**" in second
    assert f"| {flaky} | `pf` | 1 |" in second


def test_a_backfilled_pytest_bdd_run_lines_up_with_the_runs_after_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    history_project(pytester)
    run_number(pytester, monkeypatch, 2, "--no-history", "--junitxml", "junit-old.xml")
    monkeypatch.chdir(pytester.path)
    assert history_import.main(["import", "junit-old.xml", "--profile", "shop"]) == 0
    assert capsys.readouterr().out.endswith(
        "api-bdd: imported 1 run(s) into reports/history.sqlite\n"
    )
    run_number(pytester, monkeypatch, 3)
    with HistoryStore.open(pytester.path / HISTORY) as store:
        imported, later = store.runs("shop", 9)
        names = store.names(later.statuses)
    assert (imported.source, later.source) == ("junit", "run")
    assert imported.statuses.keys() == later.statuses.keys()  # the same four scenarios
    assert sorted((n.name, n.example) for n in names.values()) == [
        ("Always passes", ""),
        ("Counting apples", "count=1"),
        ("Counting apples", "count=2"),
        ("Fails in the second run only", ""),
    ]
    assert imported.counts["failed"] == 1


def test_the_backfill_names_tests_as_pytest_bdd_does() -> None:
    from pytest_bdd.scenario import make_python_name

    for name in ("Fails in the second run only", "2 items: a €5 total!", "Ünïcode and 'quotes'"):
        assert history_import.python_name(name) == f"test_{make_python_name(name)}"


def test_a_late_secret_cut_by_the_failure_limit_leaves_no_head_in_the_history() -> None:
    """A value the run learned after the scenario (a credential of a later scenario, retired
    when it ended: only its whole forms are kept) straddles the 300th character of the
    failure's line: the line is masked before it is cut, not after."""
    from client.redaction import Redactor
    from reporting.history_rows import scenario_result
    from reporting.outbound import FAILURE_LIMIT
    from reporting.record_types import ScenarioRecord

    late = "Zq8Xw7Cv6Bn5Mm4Lk3Jh2Gf1Ds0Aa9Pp8Oo7Ii6Uu5"
    error = "AssertionError: " + "x" * (FAILURE_LIMIT - 16 - 20) + late + " was not expected"
    record = cast(
        "ScenarioRecord",  # the keys scenario_result reads; the rest does not matter here
        {
            "id": "t::s",
            "feature": {"uri": "features/a.feature"},
            "name": "S",
            "status": "failed",
            "example": None,
            "error": None,
            "duration": 0.0,
            "after": [],
            "steps": [{"error": error, "exchanges": []}],
        },
    )
    redactor = Redactor()
    redactor.add(late, "a token the API issued", scoped=True)
    redactor.retire_scoped()
    failure = scenario_result(record, redactor).failure
    assert failure is not None
    assert late[:12] not in failure
    assert failure.startswith("AssertionError: xxx")


def test_a_history_damaged_inside_is_one_line_and_the_run_goes_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file opens and takes the run, but a past run's row cannot be read back (a damaged
    page, a value no api-bdd wrote): one line, not an internal error."""
    history_project(pytester)
    assert run_number(pytester, monkeypatch, 1).ret == pytest.ExitCode.OK
    path = pytester.path / HISTORY
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET status = 99")
    result = run_number(pytester, monkeypatch, 2, "--living-docs-markdown", "summary.md")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the run's own status, unchanged
    lines = [ln for ln in result.outlines if "run history" in ln]
    assert len(lines) == 1
    assert lines[0].startswith(f"api-bdd: no run history: {path}: cannot read the past runs (")
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert (pytester.path / "reports" / "living-docs.html").exists()
    assert (pytester.path / "summary.md").exists()


def test_the_backfill_masks_the_secret_settings_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old suite ran with the same credentials: its JUnit failure messages and test names
    may hold them. The import masks the environment's secret settings, as a run does."""
    password = "Pw9-correct-horse-battery"
    monkeypatch.setenv("API_PASSWORD", password)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "junit-old.xml").write_text(
        '<?xml version="1.0"?><testsuite name="s" tests="1" timestamp="2026-01-01T00:00:00">'
        f'<testcase classname="tests.test_login" name="test_login[alice-{password}]">'
        f'<failure message="login refused for alice with {password}">x</failure>'
        "</testcase></testsuite>"
    )
    assert history_import.main(["import", "junit-old.xml", "--history", "h.sqlite"]) == 0
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        rows = db.execute("SELECT name, example FROM scenarios").fetchall()
        failures = db.execute("SELECT failure FROM results").fetchall()
    assert password not in repr(rows)
    assert password not in repr(failures)
    assert failures == [("login refused for alice with ***",)]


GIT_COUNTER = '''
"""Counts the git processes the run starts (its end asks git for the commit and branch)."""
import subprocess

_run = subprocess.run
started = []


def counting(args, *rest, **kwargs):
    if args and args[0] == "git":
        started.append(list(args))
    return _run(args, *rest, **kwargs)


subprocess.run = counting


def pytest_unconfigure(config):
    (config.rootpath / "git-processes.txt").write_text(str(len(started)))
'''


def test_a_runs_end_asks_git_once_for_the_history_and_the_page(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history's row and the page's header share one answer from one git process (it was
    four: two questions, asked by each), so the two cannot disagree either."""
    history_project(pytester)
    for args in (["init", "-q", "-b", "the-branch"], ["add", "."], ["commit", "-qm", "x"]):
        assert pytester.run("git", "-c", "user.name=t", "-c", "user.email=t@t", *args).ret == 0
    for name in ("GITHUB_SHA", "CI_COMMIT_SHA", "GITHUB_HEAD_REF", "GITHUB_REF_NAME"):
        monkeypatch.delenv(name, raising=False)  # what CI says comes before git
    monkeypatch.delenv("CI_COMMIT_REF_NAME", raising=False)
    (pytester.path / "git_counter.py").write_text(GIT_COUNTER)
    run_number(pytester, monkeypatch, 1, "-p", "git_counter").assert_outcomes(passed=4)
    assert (pytester.path / "git-processes.txt").read_text() == "1"
    with HistoryStore.open(pytester.path / HISTORY) as store:
        (run,) = store.runs(None, 99)
    page = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    assert run.branch == page["run"]["branch"] == "the-branch"
    assert run.commit is not None
    assert page["run"]["commit"] == run.commit[:12]
