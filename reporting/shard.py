"""Sharding across CI machines: ``--shard INDEX/TOTAL`` runs one share of the feature files.

The split is by feature file, the same on every machine: files sorted by path, then each file,
largest first, goes to the shard with the fewest scenarios so far (ties: the lower index). A
test that is not a scenario counts under its own file. Each shard writes its report data (the
scenario records as JSON, see :mod:`reporting.merge`) and ``python -m reporting.merge`` turns
the shards' data into one report.

The value comes from ``--shard`` (1-based, as Playwright's), the ini key ``api_shard``, the
environment variable ``API_SHARD``, or CI's ``CI_NODE_INDEX``/``CI_NODE_TOTAL`` (GitLab's
``parallel:``, 1-based), in that order.

A shard's report data says which run it belongs to (``API_RUN_ID``, else the CI's run or
pipeline id, see :func:`resolve_run`), the feature files it ran and the whole selection it was
cut from (every file and its scenario count, after ``-k``/``-m``), so the merge can tell a
missing shard, one from another run and one collected from other code or options.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bdd_items import template_of


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> Shard(2, 4); ValueError saying what is wrong otherwise."""
    index, slash, total = text.strip().partition("/")
    if not slash or not index.strip().isdigit() or not total.strip().isdigit():
        raise ValueError("expected INDEX/TOTAL, e.g. 1/4")
    shard = Shard(int(index), int(total))
    if shard.total < 1 or not 1 <= shard.index <= shard.total:
        raise ValueError(f"INDEX must be between 1 and TOTAL ({shard.total})")
    return shard


def resolve_shard(config: pytest.Config) -> Shard | None:
    """The shard to run: command line > ini > API_SHARD > CI_NODE_INDEX/CI_NODE_TOTAL."""
    environ = os.environ
    ci_node = None
    if environ.get("CI_NODE_INDEX") and environ.get("CI_NODE_TOTAL"):
        ci_node = f"{environ['CI_NODE_INDEX']}/{environ['CI_NODE_TOTAL']}"
    sources = [
        ("--shard", config.getoption("api_shard", None)),
        ("ini key api_shard", config.getini("api_shard")),
        ("environment variable API_SHARD", environ.get("API_SHARD")),
        ("CI_NODE_INDEX/CI_NODE_TOTAL", ci_node),
    ]
    for where, raw in sources:
        if raw:
            try:
                return parse_shard(str(raw))
            except ValueError as err:
                raise pytest.UsageError(f"api-bdd: {where}={raw!r} is invalid: {err}") from None
    return None


# Where CI says which run (pipeline, workflow run) a job belongs to: every shard of it sees it.
RUN_VARIABLES = (
    ("GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT"),
    ("CI_PIPELINE_ID", None),  # GitLab
    ("BUILDKITE_BUILD_ID", None),
    ("CIRCLE_WORKFLOW_ID", None),
    ("BUILD_TAG", None),  # Jenkins
)
SELECTION_KEY = "api_bdd_shard_selection"  # a worker's selection, in its workeroutput


def resolve_run(environ: Mapping[str, str] | None = None) -> str | None:
    """The run the shards belong to: ``API_RUN_ID``, else the CI's run id (GitHub's with its
    attempt, so a re-run's shards are not mixed with the first run's), else None."""
    environ = os.environ if environ is None else environ
    if environ.get("API_RUN_ID"):
        return environ["API_RUN_ID"]
    for name, attempt in RUN_VARIABLES:
        if environ.get(name):
            suffix = f"-{environ[attempt]}" if attempt and environ.get(attempt) else ""
            return f"{name}={environ[name]}{suffix}"
    return None


def assign(counts: Mapping[str, int], total: int) -> dict[str, int]:
    """Each file's shard (1-based): largest first to the least loaded shard; deterministic."""
    loads = [0] * total
    out: dict[str, int] = {}
    for path in sorted(counts, key=lambda p: (-counts[p], p)):
        shard = min(range(total), key=lambda i: (loads[i], i))
        loads[shard] += counts[path]
        out[path] = shard + 1
    return out


def file_of(item: pytest.Item) -> str:
    """The file an item belongs to for sharding: its feature file, or its own test file."""
    template = template_of(item)
    path = Path(template.feature.filename) if template is not None else item.path
    return Path(os.path.relpath(path, item.config.rootpath)).as_posix()


class Sharding:
    """Deselects the items of the other shards, after every other selection (-k, -m)."""

    def __init__(self, shard: Shard) -> None:
        self.shard = shard
        # {"files": [this shard's feature files], "collection": {every file: its scenarios}}
        self.selection: dict[str, Any] | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        files = {id(item): file_of(item) for item in items}
        counts = Counter(files.values())
        owner = assign(counts, self.shard.total)
        self.selection = {
            "files": sorted(p for p, index in owner.items() if index == self.shard.index),
            "collection": dict(sorted(counts.items())),
        }
        workeroutput = getattr(config, "workeroutput", None)
        if workeroutput is not None:  # the controller writes the report data
            workeroutput[SELECTION_KEY] = self.selection
        keep = [i for i in items if owner[files[id(i)]] == self.shard.index]
        dropped = [i for i in items if owner[files[id(i)]] != self.shard.index]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        selection = getattr(node, "workeroutput", {}).get(SELECTION_KEY)
        if selection and self.selection is None:
            self.selection = selection

    def record(self, run: str | None) -> dict[str, Any]:
        """The shard as its report data says it: index, total, run, files, selection."""
        selection = self.selection or {"files": [], "collection": {}}
        return {"index": self.shard.index, "total": self.shard.total, "run": run, **selection}

    def pytest_report_header(self) -> str:
        return f"api-bdd: shard {self.shard} (by feature file)"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd")
    group.addoption(
        "--shard",
        dest="api_shard",
        metavar="INDEX/TOTAL",
        default=None,
        help="run one share of the feature files, e.g. 1/4 (env API_SHARD, CI_NODE_INDEX/TOTAL)",
    )
    parser.addini("api_shard", help="INDEX/TOTAL: run one share of the feature files", default="")
