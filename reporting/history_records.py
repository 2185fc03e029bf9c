"""The run history's records: what a run appends and what is read back. No pytest import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

STATUSES = ("passed", "failed", "undefined", "ambiguous", "skipped")  # a status's code: its index
DEFAULT_PATH = "reports/history.sqlite"  # where a run, a merge and a backfill keep the history


@dataclass(frozen=True, slots=True)  # slotted: a run of 5,000 scenarios makes 5,000 at its end
class ScenarioResult:
    """One scenario in one run. ``example``: the Examples row as ``name=value, ...`` ("" for a
    plain scenario); ``failure``: the first line of what failed, redacted, or None."""

    uri: str
    name: str
    example: str
    status: str
    duration: float = 0.0
    requests: int = 0
    retried: int = 0
    failure: str | None = None

    @property
    def key(self) -> str:
        return f"{self.uri}\x1f{self.name}\x1f{self.example}"


@dataclass(frozen=True)
class RunFacts:
    """One run. ``source``: "run", "merge" (of shards) or "junit" (imported)."""

    started: float
    duration: float
    profile: str
    base_url: str
    commit: str | None = None
    branch: str | None = None
    retried: int = 0
    waited: float = 0.0
    source: str = "run"
    document: dict[str, Any] | None = None


@dataclass
class StoredRun:
    """A run read back, its scenarios by their id in the file (see :meth:`HistoryStore.names`):
    ``statuses`` every scenario's status code (an index of :data:`STATUSES`), ``retried`` the
    retried requests of those that had any, ``failures`` the failure lines. Compact on purpose:
    a window of 30 runs of 5,000 scenarios is read in one go (:meth:`HistoryStore.results`
    gives one run's full results)."""

    id: int
    started: float
    duration: float
    profile: str
    base_url: str
    commit: str | None
    branch: str | None
    counts: dict[str, int]
    retried: int
    waited: float
    source: str
    document: str | None  # the document's hash
    statuses: dict[int, int] = field(default_factory=dict)
    retried_by: dict[int, int] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)


class StoredResult(NamedTuple):
    """A scenario's full result in a stored run."""

    status: str
    duration: float
    requests: int
    retried: int
    failure: str | None


@dataclass(frozen=True, slots=True)  # slotted: the view names every scenario of its window
class ScenarioName:
    uri: str
    name: str
    example: str


def stored_run(row: Sequence[Any]) -> StoredRun:
    counts = dict(zip(STATUSES, row[7:12], strict=True))
    return StoredRun(
        id=row[0],
        started=row[1],
        duration=row[2],
        profile=row[3],
        base_url=row[4],
        commit=row[5],
        branch=row[6],
        counts=counts,
        retried=row[12],
        waited=row[13],
        source=row[14],
        document=row[15],
    )
