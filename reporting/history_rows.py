"""What a run puts in the history: one :class:`ScenarioResult` per scenario record, the run's
git commit and branch. No pytest import.

The failure's line is the first line of the failed step's error (or the scenario's own error,
for a fixture or clean-up that failed). Each row leaves through
:func:`reporting.outbound.history_row` (masked with the run's redactor, then cut): the history
keeps it for as long as the run is kept.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from client.redaction import Redactor
from reporting.history_records import STATUSES, RunFacts, ScenarioResult
from reporting.outbound import history_row
from reporting.record_types import ScenarioRecord, scenario_exchanges

# a pending scenario (@wip, failing) does not count against the run: the history keeps it as
# skipped, as pytest shows it (an expected failure), not as a failure
_STORED = {"pending": "skipped"}


def example_label(example: Mapping[str, Any] | None) -> str:
    """An Examples row as ``name=value, ...``: stable when rows are added above it."""
    if not example:
        return ""
    values = example.get("values") or {}
    if values:
        return ", ".join(f"{k}={v}" for k, v in values.items())
    return f"#{int(example.get('index', 0)) + 1}"


def failure_line(record: ScenarioRecord) -> str | None:
    """The first line of what failed, whole (:func:`~reporting.outbound.history_row` masks it,
    then cuts it)."""
    if record["status"] == "passed":
        return None
    text = next((s["error"] for s in record["steps"] if s["error"]), None)
    text = text or record["error"]
    if not text:
        return None
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line or None


def scenario_result(record: ScenarioRecord, redactor: Redactor | None) -> ScenarioResult:
    """The record's history row, as it leaves: masked by ``redactor`` (values the run learned
    after the record arrived) and cut (:func:`~reporting.outbound.history_row`)."""
    exchanges = list(scenario_exchanges(record))
    status = _STORED.get(record["status"], record["status"])
    status = status if status in STATUSES else "failed"
    row = ScenarioResult(
        uri=record["feature"]["uri"],
        name=record["name"],
        example=example_label(record["example"]),
        status=status,
        duration=float(record["duration"] or 0.0),
        requests=len(exchanges),
        retried=sum(1 for e in exchanges if e["retried"]),
        failure=failure_line(record),
    )
    return history_row(row, redactor)


def scenario_results(
    records: Iterable[ScenarioRecord], redactor: Redactor | None = None
) -> list[ScenarioResult]:
    return [scenario_result(r, redactor) for r in records]


def waited(records: Iterable[ScenarioRecord]) -> float:
    return sum(float(e["waited"] or 0.0) for r in records for e in scenario_exchanges(r))


def _git(root: Path, *args: str) -> list[str] | None:
    """The lines git prints for ``args`` in ``root``, or None when it fails (no git, no repo,
    no commit yet)."""
    try:
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            ["git", *args],  # noqa: S607 (git from PATH, as a developer runs it)
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.split()
    return lines if done.returncode == 0 and lines else None


def git_facts(root: Path) -> tuple[str | None, str | None]:
    """(commit, branch): CI's variables first (CI checks out a detached HEAD), then git, asked
    once for both (one process, not two: a run's end starts it)."""
    env = os.environ
    commit = env.get("GITHUB_SHA") or env.get("CI_COMMIT_SHA")
    branch = (
        env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME") or env.get("CI_COMMIT_REF_NAME")
    )
    if not (commit and branch):
        found = _git(root, "rev-parse", "HEAD", "--abbrev-ref", "HEAD")
        if found is not None and len(found) == 2:
            commit, branch = commit or found[0], branch or found[1]
    return commit, None if branch == "HEAD" else branch


def merged_run(
    blobs: Sequence[Mapping[str, Any]],
    records: Sequence[ScenarioRecord],
    results: Sequence[ScenarioResult],
) -> RunFacts:
    """The run a merge of shards appends: their span of time, the first shard's facts."""
    facts = next((b["history"] for b in blobs if b.get("history")), None) or {}
    started = min((b["started"] for b in blobs), default=0.0)
    finished = max((b["finished"] for b in blobs), default=started)
    return RunFacts(
        started=started,
        duration=finished - started,
        profile=facts.get("profile") or "default",
        base_url=", ".join(sorted({b["base_url"] for b in blobs})),
        commit=facts.get("commit"),
        branch=facts.get("branch"),
        retried=sum(r.retried for r in results),
        waited=waited(records),
        source="merge",
        document=facts.get("document"),
    )
