"""``python -m bench memory``: where the memory of a run goes, api-bdd and bare pytest-bdd.

Writes the speed bench's generated projects (:data:`bench.speed.SUITES`, ``--variant custom``
or ``vocab``) at ``--n`` scenarios (default 1,000), starts the JSON server and runs each project
once under tracemalloc (``PYTHONTRACEMALLOC=1``: 5 to 10 times slower, so a smaller N than the
speed bench's). A probe plugin takes a snapshot after collection and another as the session
finishes (before the living docs are written), and the bench prints for each project: the memory
traced at both points, the ``--top`` allocation sites (file and line) alive after collection,
those that grew most during the run, and the kinds of objects the garbage collector tracks most
at the end. Peak memory itself (resident, with the interpreter's own overhead) is measured by
``python -m bench speed``; this mode says what holds it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.jsonserver import JsonServer
from bench.speed import SUITES, Suite, child_environment
from bench.speed_suite import api_bdd_env

PROBE = '''\
"""Bench memory probe: tracemalloc snapshots after collection and as the session finishes."""

import gc
import json
import os
import tracemalloc
from collections import Counter

import pytest

TOP = int(os.environ["BENCH_MEMORY_TOP"])
ROOTS = [p for p in os.environ["BENCH_MEMORY_ROOTS"].split(os.pathsep) if p]
FOUND = {}
FIRST = []


def _where(stat):
    frame = stat.traceback[0]
    name = frame.filename
    for root in ROOTS:
        if name.startswith(root):
            name = name[len(root):].lstrip("/")
            break
    return f"{name}:{frame.lineno}"


def _snapshot():
    gc.collect()
    ours = tracemalloc.Filter(False, tracemalloc.__file__)
    return tracemalloc.take_snapshot().filter_traces([ours])


def _mib(size):
    return round(size / 2**20, 2)


def pytest_collection_finish(session):
    snapshot = _snapshot()
    FIRST.append(snapshot)
    FOUND["collection_mib"] = _mib(tracemalloc.get_traced_memory()[0])
    FOUND["collection_top"] = [
        [_where(s), _mib(s.size), s.count] for s in snapshot.statistics("lineno")[:TOP]
    ]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session):
    if FIRST:
        snapshot = _snapshot()
        FOUND["end_mib"] = _mib(tracemalloc.get_traced_memory()[0])
        grown = snapshot.compare_to(FIRST[0], "lineno")
        FOUND["run_top"] = [
            [_where(s), _mib(s.size_diff), s.count_diff]
            for s in sorted(grown, key=lambda s: -s.size_diff)[:TOP]
        ]
        del snapshot, grown
        FIRST.clear()  # the snapshots' own objects are not the run's
        gc.collect()
        kinds = Counter(type(o).__qualname__ for o in gc.get_objects())
        FOUND["kinds"] = kinds.most_common(TOP)
    with open(os.environ["BENCH_MEMORY_OUT"], "w") as out:
        json.dump(FOUND, out)
    return (yield)
'''


def probe_run(project: Path, env: dict[str, str], top: int, roots: list[str]) -> dict[str, Any]:
    """Run ``project``'s suite once under tracemalloc; what the probe found."""
    out = project / "memory.json"
    (project / "bench_memprobe.py").write_text(PROBE, encoding="utf-8")
    env = {
        **env,
        "PYTHONTRACEMALLOC": "1",
        "BENCH_MEMORY_OUT": str(out),
        "BENCH_MEMORY_TOP": str(top),
        "BENCH_MEMORY_ROOTS": ":".join(roots),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [*command, "-p", "bench_memprobe", "--no-header"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"{project.name}: exit {done.returncode}\n{done.stdout[-3000:]}")
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def report(label: str, found: dict[str, Any]) -> None:
    """One project's findings, as a few small tables."""
    grown = found["end_mib"] - found["collection_mib"]
    print(
        f"\n{label}: traced {found['collection_mib']:.1f} MiB after collection,"
        f" {found['end_mib']:.1f} MiB at the end of the run (+{grown:.1f} MiB)"
    )
    for title, rows in (
        ("alive after collection", found["collection_top"]),
        ("grown during the run", found["run_top"]),
    ):
        print(f"  {title}:  MiB  blocks  site")
        for where, mib, count in rows:
            print(f"    {mib:8.2f} {count:8d}  {where}")
    print("  objects the garbage collector tracks at the end:")
    print("    " + ", ".join(f"{kind} {count}" for kind, count in found["kinds"]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--variant", choices=sorted(SUITES), default="custom", help="suite")
    parser.add_argument("--n", type=int, default=1000, help="scenarios")
    parser.add_argument("--top", type=int, default=15, help="sites (and kinds) shown")
    args = parser.parse_args(argv)
    if args.n < 1 or args.top < 1:
        parser.error("--n and --top take whole numbers >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    suite: Suite = SUITES[args.variant]
    bare_env = child_environment()
    # site-packages before the repository that holds the virtualenv: the longest prefix first
    roots = sorted({str(Path(__file__).resolve().parent.parent), *sys.path[1:]}, key=len)[::-1]
    print(f"memory: {args.variant} suite ({suite.title}), N = {args.n}, under tracemalloc")
    with tempfile.TemporaryDirectory(prefix="api-bdd-memory-") as scratch, JsonServer() as server:
        for label, write, env in (
            ("bare pytest-bdd", suite.write_bare, bare_env),
            ("api-bdd", suite.write_api_bdd, api_bdd_env(bare_env)),
        ):
            project = Path(scratch) / label.split()[0]
            project.mkdir()
            write(project, args.n, server.url, extra=False)
            report(label, probe_run(project, env, args.top, roots))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
