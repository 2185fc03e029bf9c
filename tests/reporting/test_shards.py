"""Sharding (``--shard I/N``) and ``python -m reporting.merge``: four shards merged into one
report equal to a serial run's, apart from timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # pyyaml ships no types; its stubs are not in the lock
from junitparser import JUnitXml

from reporting.shard import Shard, assign, parse_shard
from tests.conftest import ROOT, bdd_project
from tests.reporting.test_living_docs import SAMPLE, embedded_data, normalized

EXTRA_STEPS = '''

@given("nothing happens")
def nothing_happens() -> None:
    """Does nothing, quickly."""
'''


def quiet_feature(name: str, scenarios: int) -> str:
    body = "".join(
        f"\n  Scenario: {name} {n}\n    Given nothing happens\n" for n in range(1, scenarios + 1)
    )
    return f"Feature: {name}\n{body}"


def sample_set(pytester: pytest.Pytester) -> None:
    """The shop sample (7 scenarios, HTTP evidence, every status) and four quiet features."""
    source = pytester.mkdir("src")
    steps = source / "shard_steps.py"
    steps.write_text((SAMPLE / "sample_steps.py").read_text() + EXTRA_STEPS)
    features = [SAMPLE / "shop.feature"]
    for name, count in (("alpha", 4), ("beta", 3), ("gamma", 2), ("delta", 1)):
        path = source / f"{name}.feature"
        path.write_text(quiet_feature(name.title(), count))
        features.append(path)
    bdd_project(pytester, steps, features, markers=("shop", "smoke"))


def run(pytester: pytest.Pytester, out: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--living-docs",
        f"{out}/living-docs.html",
        "--cucumber-messages",
        f"{out}/run.ndjson",
        "--junitxml",
        f"{out}/junit.xml",
        *args,
    )


def ndjson(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids(envelopes: list[dict[str, Any]]) -> list[str]:
    return [
        message["id"]
        for envelope in envelopes
        for message in envelope.values()
        if isinstance(message, dict) and "id" in message
    ]


def junit_cases(path: Path) -> Counter[tuple[str, str]]:
    outcomes: Counter[tuple[str, str]] = Counter()
    for suite in JUnitXml.fromfile(str(path)):
        for case in suite:
            kinds = [type(r).__name__ for r in case.result] or ["passed"]
            outcomes[(case.name, kinds[0])] += 1
    return outcomes


def test_four_shards_merge_into_the_serial_runs_report(pytester: pytest.Pytester) -> None:
    sample_set(pytester)
    run(pytester, "serial")
    for index in range(1, 5):
        xdist = ["-n", "2"] if index == 1 else []  # the shop's shard, under xdist
        result = run(pytester, f"shard-{index}", "--shard", f"{index}/4", *xdist)
        result.stdout.fnmatch_lines([f"api-bdd: shard {index}/4 (by feature file)"])
        assert (pytester.path / "reports" / f"report-data-{index}-of-4.json").exists()
    shard_dirs = [str(pytester.path / "reports"), *(f"shard-{i}" for i in range(1, 5))]
    merged = subprocess.run(
        [sys.executable, "-m", "reporting.merge", *shard_dirs, "--out", "merged"],
        cwd=pytester.path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0, merged.stderr
    assert "api-bdd: wrote merged/living-docs.html" in merged.stdout

    serial = embedded_data((pytester.path / "serial" / "living-docs.html").read_text())
    together = embedded_data((pytester.path / "merged" / "living-docs.html").read_text())
    assert normalized(together) == normalized(serial)
    assert together["summary"]["scenarios"]["passed"] == 14
    assert together["run"]["profile"]  # the header's facts survive the merge
    assert together["run"] == serial["run"]
    assert together["capabilities"] == serial["capabilities"]

    envelopes = ndjson(pytester.path / "merged" / "run.ndjson")
    reference = ndjson(pytester.path / "serial" / "run.ndjson")
    kinds = Counter(next(iter(e)) for e in envelopes)
    assert kinds == Counter(next(iter(e)) for e in reference)
    sources = [e["source"]["uri"] for e in envelopes if "source" in e]
    assert len(sources) == len(set(sources)) == 5
    assert len(ids(envelopes)) == len(set(ids(envelopes)))

    assert junit_cases(pytester.path / "merged" / "junit.xml") == junit_cases(
        pytester.path / "serial" / "junit.xml"
    )


def test_the_split_is_by_feature_file_balanced_and_stable() -> None:
    counts = {"features/a.feature": 7, "features/b.feature": 4, "features/c.feature": 3}
    counts |= {"features/d.feature": 2, "features/e.feature": 1}
    owner = assign(counts, 2)
    assert owner == {
        "features/a.feature": 1,
        "features/b.feature": 2,
        "features/c.feature": 2,
        "features/d.feature": 1,
        "features/e.feature": 2,
    }
    assert assign(dict(reversed(counts.items())), 2) == owner  # whatever the order found
    loads = Counter({shard: 0 for shard in (1, 2)})
    for path, shard in owner.items():
        loads[shard] += counts[path]
    assert loads == {1: 9, 2: 8}


def test_a_bad_shard_value_is_one_error_line(pytester: pytest.Pytester) -> None:
    assert parse_shard(" 2/4 ") == Shard(2, 4)
    for bad in ("5/4", "0/4", "1", "a/b", "1/0"):
        with pytest.raises(ValueError, match="INDEX"):
            parse_shard(bad)
    sample_set(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--shard", "5/4")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [
        "ERROR: api-bdd: --shard='5/4' is invalid: INDEX must be between 1 and TOTAL (4)"
    ]


def test_ci_node_variables_pick_the_shard(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample_set(pytester)
    monkeypatch.setenv("CI_NODE_INDEX", "4")
    monkeypatch.setenv("CI_NODE_TOTAL", "4")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    # shop (7 scenarios), alpha (4), beta (3), gamma (2) take a shard each; delta (1) joins gamma
    result.stdout.fnmatch_lines(["*test_delta_1*", "*test_gamma_1*", "*test_gamma_2*"])
    assert "alpha" not in result.stdout.str()
    assert "shop" not in result.stdout.str()


def test_the_ci_example_runs_four_shards_and_merges_them() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "sharded.yml").read_text())
    jobs = workflow["jobs"]
    assert jobs["shard"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    shard_run = " ".join(s.get("run", "") for s in jobs["shard"]["steps"])
    assert "--shard ${{ matrix.shard }}/4" in shard_run
    assert jobs["merge"]["needs"] == "shard"
    merge_steps = jobs["merge"]["steps"]
    assert any("python -m reporting.merge" in s.get("run", "") for s in merge_steps)
    uploads = [s for s in merge_steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads[0]["with"]["path"] == "reports/"
