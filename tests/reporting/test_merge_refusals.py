"""``python -m reporting.merge`` never drops a shard quietly: what it refuses, in one line and
exit status 2, and what ``--allow-partial`` says at the top of every output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from tests.conftest import ROOT
from tests.reporting.test_living_docs import embedded_data
from tests.reporting.test_shards import EXTRA_STEPS, quiet_feature

SIZES = {"alpha": 4, "beta": 3, "gamma": 2, "delta": 1}  # by 3: alpha | beta | gamma, delta


def _project(root: Path) -> None:
    (root / "features").mkdir(parents=True)
    for name, count in SIZES.items():
        (root / "features" / f"{name}.feature").write_text(quiet_feature(name.title(), count))
    (root / "quiet_steps.py").write_text("from steps import given\n" + EXTRA_STEPS)
    conftest = (ROOT / "conftest.py").read_text()
    plugin = '"reporting.plugin",\n    "quiet_steps",'
    (root / "conftest.py").write_text(conftest.replace('"reporting.plugin",', plugin))
    (root / "pyproject.toml").write_text(
        f'[tool.pytest.ini_options]\npythonpath = ["{ROOT}", "."]\n'
        'bdd_features_base_dir = "features/"\n'
        '[tool.api-bdd]\ndefault = "quiet"\n[tool.api-bdd.profiles.quiet]\n'
        'base_url = "http://127.0.0.1:9"\nfeatures = ["features"]\n'
    )


def _shard(root: Path, out: str, shard: str, run: str) -> None:
    env = {**os.environ, "API_RUN_ID": run}
    for name in ("GITHUB_RUN_ID", "CI_PIPELINE_ID", "CI_NODE_INDEX", "CI_NODE_TOTAL"):
        env.pop(name, None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--no-living-docs",
            "--shard",
            shard,
            f"--report-data={out}/report-data.json",
            f"--junitxml={out}/junit.xml",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real shard runs: 1/3, 2/3, 3/3 of run A; 2/3 of run B; 1/2 of run A."""
    root = tmp_path_factory.mktemp("sharded")
    _project(root)
    for index in (1, 2, 3):
        _shard(root, f"a/shard-{index}", f"{index}/3", "run-A")
    _shard(root, "b/shard-2", "2/3", "run-B")
    _shard(root, "halves/shard-1", "1/2", "run-A")
    return root


def _merge(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reporting.merge", *args, "--out", "merged"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )


def _dirs(runs: Path, tmp_path: Path, *names: str) -> list[str]:
    """Copies of the shard directories (``a/shard-1``...) to tamper with, as merge args."""
    out = []
    for number, name in enumerate(names):
        target = tmp_path / f"in-{number}"
        shutil.copytree(runs / name, target)
        out.append(str(target))
    return out


def _refused(merged: subprocess.CompletedProcess[str]) -> str:
    assert merged.returncode == 2, merged.stdout + merged.stderr
    lines = merged.stderr.splitlines()
    assert len(lines) == 1, merged.stderr  # one line, no traceback
    assert not (Path(merged.args[-1]) / "living-docs.html").exists()
    return lines[0]


def test_each_shards_report_data_records_its_index_total_run_and_files(runs: Path) -> None:
    data = json.loads((runs / "a" / "shard-3" / "report-data.json").read_text())
    assert data["format"] == "api-bdd-report-data/2"
    shard = data["shard"]
    assert (shard["index"], shard["total"], shard["run"]) == (3, 3, "run-A")
    assert shard["files"] == ["features/delta.feature", "features/gamma.feature"]
    assert shard["collection"] == {f"features/{n}.feature": c for n, c in sorted(SIZES.items())}


def test_a_missing_shard_is_refused_in_one_line_with_exit_status_2(
    runs: Path, tmp_path: Path
) -> None:
    line = _refused(_merge(tmp_path, *_dirs(runs, tmp_path, "a/shard-1", "a/shard-3")))
    assert line.startswith("api-bdd merge: error: shard 2/3 missing")
    assert "--allow-partial" in line


def test_two_files_of_the_same_shard_are_refused_naming_the_file(
    runs: Path, tmp_path: Path
) -> None:
    names = ("a/shard-1", "a/shard-2", "a/shard-2", "a/shard-3")
    line = _refused(_merge(tmp_path, *_dirs(runs, tmp_path, *names)))
    assert "in-2/report-data.json: shard 2/3 again (also in " in line


def test_a_cut_off_report_data_file_is_refused_naming_it(runs: Path, tmp_path: Path) -> None:
    dirs = _dirs(runs, tmp_path, "a/shard-1", "a/shard-2", "a/shard-3")
    blob = Path(dirs[1]) / "report-data.json"
    blob.write_text(blob.read_text()[:500])  # an upload cut short
    line = _refused(_merge(tmp_path, *dirs))
    assert f"{blob}: corrupt report data (not valid JSON" in line


def test_a_cut_off_junit_file_of_a_shard_is_refused_naming_it(runs: Path, tmp_path: Path) -> None:
    dirs = _dirs(runs, tmp_path, "a/shard-1", "a/shard-2", "a/shard-3")
    junit = Path(dirs[2]) / "junit.xml"
    junit.write_text(junit.read_text()[:300])  # its tests would silently miss from the merge
    line = _refused(_merge(tmp_path, *dirs))
    assert f"{junit}: corrupt JUnit file" in line


def test_shards_of_another_run_are_refused_naming_the_file(runs: Path, tmp_path: Path) -> None:
    dirs = _dirs(runs, tmp_path, "a/shard-1", "b/shard-2", "a/shard-3")
    line = _refused(_merge(tmp_path, *dirs))
    assert "in-1/report-data.json: shard of run 'run-B', but " in line


def test_shards_of_different_totals_are_refused_naming_the_file(runs: Path, tmp_path: Path) -> None:
    dirs = _dirs(runs, tmp_path, "a/shard-2", "halves/shard-1")
    line = _refused(_merge(tmp_path, *dirs))
    assert "in-0/report-data.json: shard 2/3, but " in line
    assert "in-1/report-data.json is shard 1/2: shards of different totals" in line


def _scenario_count(junit: Path) -> int:
    return sum(1 for suite in JUnitXml.fromfile(str(junit)) for _case in suite)


def test_allow_partial_merges_and_every_output_says_which_shard_is_missing(
    runs: Path, tmp_path: Path
) -> None:
    dirs = _dirs(runs, tmp_path, "a/shard-1", "a/shard-2", "a/shard-3")
    (Path(dirs[1]) / "report-data.json").unlink()  # its JUnit file stays: it must be left out
    merged = _merge(tmp_path, *dirs, "--allow-partial")
    assert merged.returncode == 0, merged.stderr
    out = tmp_path / "merged"
    notice = "Partial report: shard 2/3 is missing, so these are not in it: features/beta.feature"

    html = (out / "living-docs.html").read_text()
    document: dict[str, Any] = embedded_data(html)
    assert document["notices"][0].startswith(notice)
    assert html.index(notice) < html.index('id="summary"')  # at the top of the page
    assert document["summary"]["total_scenarios"] == 7

    markdown = (out / "summary.md").read_text().splitlines()
    assert notice in markdown[2]

    envelopes = [json.loads(line) for line in (out / "run.ndjson").read_text().splitlines()]
    started = next(i for i, e in enumerate(envelopes) if "testRunStarted" in e)
    assert envelopes[started + 1]["attachment"]["body"].startswith(notice)
    assert envelopes[-1]["testRunFinished"]["success"] is False
    assert notice in envelopes[-1]["testRunFinished"]["message"]

    junit = JUnitXml.fromfile(str(out / "junit.xml"))
    first = next(iter(junit))
    assert first.name == "api-bdd: partial merge"
    assert any(notice in str(p.value) for p in first.properties())  # type: ignore[no-untyped-call]
    assert _scenario_count(out / "junit.xml") == document["summary"]["total_scenarios"]
