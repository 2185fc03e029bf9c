"""The run history: every run of the suite appended to one SQLite file (standard ``sqlite3``).

Per run: start time, duration, profile, base URL, git commit and branch when known, scenarios by
status, retried requests and time waited, and the profile's API document (stored once per
distinct document, by hash). Per scenario and run: status, duration, requests, retried
requests and the failure's first line, already redacted by whoever appends. A scenario is known
by a stable key: feature path, scenario name and Examples row (see :class:`ScenarioResult`).

The file is shared by processes that may append at once (two CI jobs on one runner, a merge and
a local run): it runs in WAL mode with a busy timeout and every append is one ``BEGIN
IMMEDIATE`` transaction. Its schema version is ``PRAGMA user_version`` and it migrates itself
forward on open; ``PRAGMA application_id`` marks it as ours, so another program's database is
refused rather than written into. Every problem (corrupt, locked, foreign, newer, unwritable)
is a :class:`HistoryError` whose message is one line; callers go on without history.

``python -m reporting.history import junit*.xml`` backfills past runs from JUnit XML files
(:mod:`reporting.history_import`). No pytest import.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
import time
from collections.abc import Container, Sequence
from pathlib import Path
from typing import Any

from reporting.history_records import (
    DEFAULT_PATH,
    STATUSES,
    RunFacts,
    ScenarioName,
    ScenarioResult,
    StoredResult,
    StoredRun,
    stored_run,
)

__all__ = [
    "DEFAULT_PATH",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "STATUSES",
    "HistoryError",
    "HistoryStore",
    "RunFacts",
    "ScenarioName",
    "ScenarioResult",
    "StoredResult",
    "StoredRun",
]

APPLICATION_ID = 0x61626468  # "abdh": api-bdd history
BUSY_TIMEOUT_S = 5.0  # how long an append waits for another process's append to finish
# SQLite's page cache, in KiB (its default is 2,000). An append writes each page once and a view
# reads each once, so a bigger cache buys nothing, while it lives on top of a run's peak memory.
CACHE_KIB = 256
_CODE = {status: index for index, status in enumerate(STATUSES)}

# Each entry takes the schema from version N to N+1; a file at version N gets the rest.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, started REAL NOT NULL, duration REAL NOT NULL,
        profile TEXT NOT NULL, base_url TEXT NOT NULL, git_commit TEXT, git_branch TEXT,
        passed INTEGER NOT NULL, failed INTEGER NOT NULL, undefined INTEGER NOT NULL,
        ambiguous INTEGER NOT NULL, skipped INTEGER NOT NULL,
        retried INTEGER NOT NULL, waited REAL NOT NULL, source TEXT NOT NULL
    );
    CREATE INDEX runs_by_profile ON runs (profile, id);
    CREATE TABLE scenarios (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
        uri TEXT NOT NULL, name TEXT NOT NULL, example TEXT NOT NULL
    );
    CREATE TABLE results (
        run INTEGER NOT NULL, scenario INTEGER NOT NULL, status INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL, requests INTEGER NOT NULL, retried INTEGER NOT NULL,
        failure TEXT, PRIMARY KEY (run, scenario)
    ) WITHOUT ROWID;
    """,
    # 2: the profile's API document, once per distinct document, for "what changed"
    """
    CREATE TABLE documents (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
    ALTER TABLE runs ADD COLUMN document TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """The history file cannot be used; the message is one line saying what and where."""


def _one_line(path: Path, err: BaseException) -> str:
    reason = " ".join(str(err).split()) or type(err).__name__
    return f"{path}: {reason}"


class HistoryStore:
    """An open history file. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection

    @classmethod
    def open(cls, path: Path, *, timeout: float = BUSY_TIMEOUT_S) -> HistoryStore:
        """Open (creating or migrating) the history at ``path``; HistoryError when it cannot."""
        if path.is_dir():
            raise HistoryError(f"{path}: is a directory")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise HistoryError(_one_line(path, err)) from None
        store = cls(path, db)
        try:
            store._prepare_within(time.monotonic() + timeout)
        except sqlite3.Error as err:
            db.close()
            raise HistoryError(_one_line(path, err)) from None
        except HistoryError:
            db.close()
            raise
        return store

    def _prepare_within(self, deadline: float) -> None:
        """:meth:`_prepare`, again while the file answers "busy" and ``deadline`` allows. In WAL
        mode SQLite answers SQLITE_BUSY without waiting on its busy handler while the last
        connection of another process is closing (it cleans up the WAL and shared-memory files
        under an exclusive lock) or recovering: SQLite's WAL documentation says to retry."""
        pause = 0.01
        while True:
            try:
                self._prepare()
                return
            except sqlite3.OperationalError as err:
                busy = getattr(err, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def _prepare(self) -> None:
        self._check_identity()  # before anything writes: another program's file stays as it was
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never torn
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # negative: KiB, not pages
        self.db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it
        try:
            self._migrate()  # checks the identity again, now that no one else can change it
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _check_identity(self) -> int:
        """The file's schema version; HistoryError when it is not ours or newer than us."""
        # one statement, so one snapshot: another process may be creating the file meanwhile
        application, version, tables = self.db.execute(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if application != APPLICATION_ID and (tables or version):
            raise HistoryError(f"{self.path}: not an api-bdd history file (another program's)")
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: written by a newer api-bdd (schema {version}, this one reads up"
                f" to {SCHEMA_VERSION})"
            )
        return int(version)

    def _migrate(self) -> None:
        version = self._check_identity()
        for script in MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    self.db.execute(statement)
        self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        # Fold the write-ahead log back into the file, so what is left on disk (and in a CI
        # cache) is one file; a reader holding it open only makes this partial.
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------------
    def append(self, run: RunFacts, results: Sequence[ScenarioResult], keep: int = 0) -> int:
        """Append a run and its results in one transaction; keep the newest ``keep`` runs (0:
        all). Returns the run's id."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                run_id = self._insert(run, results)
                if keep > 0:
                    self._prune(keep)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            raise HistoryError(_one_line(self.path, err)) from None
        return run_id

    def _insert(self, run: RunFacts, results: Sequence[ScenarioResult]) -> int:
        counts = dict.fromkeys(STATUSES, 0)
        for result in results:
            counts[result.status] += 1
        document = self._document(run.document)
        cursor = self.db.execute(
            "INSERT INTO runs (started, duration, profile, base_url, git_commit, git_branch,"
            " passed, failed, undefined, ambiguous, skipped, retried, waited, source, document)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                run.started,
                run.duration,
                run.profile,
                run.base_url,
                run.commit,
                run.branch,
                *(counts[s] for s in STATUSES),
                run.retried,
                run.waited,
                run.source,
                document,
            ),
        )
        run_id = int(cursor.lastrowid or 0)
        # Streamed, row by row: each scenario is found by its key through the key's index, so
        # no map of every key (nor a copy of the results) is held at the end of a run.
        self.db.executemany(
            "INSERT OR IGNORE INTO scenarios (key, uri, name, example) VALUES (?,?,?,?)",
            ((r.key, r.uri, r.name, r.example) for r in results),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO results SELECT ?, id, ?, ?, ?, ?, ? FROM scenarios"
            " WHERE key = ?",
            (
                (
                    run_id,
                    _CODE[r.status],
                    round(r.duration * 1000),
                    r.requests,
                    r.retried,
                    r.failure,
                    r.key,
                )
                for r in results
            ),
        )
        return run_id

    def _document(self, document: dict[str, Any] | None) -> str | None:
        if document is None:
            return None
        body = json.dumps(document, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(body.encode()).hexdigest()
        self.db.execute("INSERT OR IGNORE INTO documents VALUES (?, ?)", (digest, body))
        return digest

    def _prune(self, keep: int) -> None:
        row = self.db.execute(
            "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", (keep - 1,)
        ).fetchone()
        if row is not None:
            self.db.execute("DELETE FROM results WHERE run < ?", (row[0],))
            self.db.execute("DELETE FROM runs WHERE id < ?", (row[0],))
            self.db.execute(
                "DELETE FROM documents WHERE hash NOT IN"
                " (SELECT document FROM runs WHERE document IS NOT NULL)"
            )

    # -- reading ----------------------------------------------------------------------------------
    def runs(self, profile: str | None = None, last: int = 30) -> list[StoredRun]:
        """The newest ``last`` runs (of ``profile`` when given), oldest first, with results."""
        try:
            return self._runs(profile, last)
        except sqlite3.Error as err:
            raise HistoryError(_one_line(self.path, err)) from None

    def _runs(self, profile: str | None, last: int) -> list[StoredRun]:
        columns = (
            "SELECT id, started, duration, profile, base_url, git_commit, git_branch, passed,"
            " failed, undefined, ambiguous, skipped, retried, waited, source, document FROM runs"
        )
        # "profile IS NULL OR": one fixed query whether a profile is asked for or not
        rows = self.db.execute(
            f"{columns} WHERE (? IS NULL OR profile = ?) ORDER BY id DESC LIMIT ?",
            (profile, profile, last),
        ).fetchall()
        runs = [stored_run(row) for row in reversed(rows)]
        for run in runs:  # each run is one range of the primary key; dict() builds in C
            ident = (run.id,)
            run.statuses = dict(
                self.db.execute("SELECT scenario, status FROM results WHERE run = ?", ident)
            )
            run.retried_by = dict(
                self.db.execute(
                    "SELECT scenario, retried FROM results WHERE run = ? AND retried > 0", ident
                )
            )
            run.failures = dict(
                self.db.execute(
                    "SELECT scenario, failure FROM results WHERE run = ? AND failure IS NOT NULL",
                    ident,
                )
            )
        return runs

    def results(self, run: int) -> dict[str, StoredResult]:
        """Every scenario's result in run ``run``, by scenario key."""
        return {
            key: StoredResult(STATUSES[status], ms / 1000, requests, retried, failure)
            for key, status, ms, requests, retried, failure in self.db.execute(
                "SELECT key, status, duration_ms, requests, retried, failure FROM results"
                " JOIN scenarios ON scenarios.id = results.scenario WHERE run = ?",
                (run,),
            )
        }

    def names(self, ids: Container[int]) -> dict[int, ScenarioName]:
        """The scenarios ``ids`` by name: feature path, scenario name, Examples row. A feature's
        scenarios share one string for its path (SQLite answers a new one per row)."""
        paths: dict[str, str] = {}
        return {
            ident: ScenarioName(paths.setdefault(uri, uri), name, example)
            for ident, uri, name, example in self.db.execute(
                "SELECT id, uri, name, example FROM scenarios"
            )
            if ident in ids
        }

    def document(self, digest: str | None) -> dict[str, Any] | None:
        if digest is None:
            return None
        row = self.db.execute("SELECT body FROM documents WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))


if __name__ == "__main__":
    from reporting.history_import import main

    sys.exit(main())
