"""``python -m bench speed --profile PATH --n 1000``: where the time goes, api-bdd and bare
(``--variant vocab --vocab-n 1000``: in the generic-vocabulary suite).

Runs the generated suite once under cProfile (``python -m cProfile -m pytest``) in a bare
pytest-bdd project and in an api-bdd project, and writes to PATH, for each: the wall time, the
calls of the functions the step lookup and the reporting spend their time in (pytest's
``getfixturedefs``, pytest-bdd's ``find_fixturedefs_for_step`` and step matching, rendering,
redaction), then the top entries by cumulative time and by own time. cProfile rather than a
sampling profiler because the call counts are the point: they show what grows with the suite
and with the step library.
"""

from __future__ import annotations

import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

from bench.speed import Suite, child_environment, machine
from bench.speed_suite import api_bdd_env

OF_INTEREST = (
    "getfixturedefs|get_fixture_names|find_fixturedefs_for_step|is_matching|parse_arguments"
    "|inject_temporary_fixturedefs|get_step_function|_get_scenario_decorator|collect_example"
    "|render_html|render_messages|build_document|redact|to_dict|pytest_runtest_makereport"
    "|perform_collect|runtestloop|pytest_sessionfinish|pytest_collection_modifyitems"
    "|matching_functions|_check_steps|run_indexed_step|registry.py.*find"
    "|run_scenario|call_definition|scrub_report|write_html|step_problems|lint_feature"
    "|expand|step_note|on_cleanup|run_cleanups|compile_path|select|json_body|mismatches"
)
TOP = 40
# (file name, function, what it stands for): the headline, one line each, when present
HEADLINE = (
    ("main.py", "perform_collect", "collection"),
    ("diagnostics.py", "pytest_collection_modifyitems", "pre-flight step check"),
    ("preflight.py", "pytest_collection_modifyitems", "pre-flight step check"),
    ("main.py", "pytest_runtestloop", "running the scenarios"),
    ("livingdocs.py", "pytest_sessionfinish", "writing the living docs"),
    ("fixtures.py", "getfixturedefs", "pytest fixture lookups"),
    ("scenario.py", "find_fixturedefs_for_step", "pytest-bdd step lookups (scan)"),
    ("parsers.py", "is_matching", "step pattern matches"),
    ("registry.py", "find", "step index lookups"),
    ("dispatch.py", "run_indexed_step", "steps run by pytest-bdd's dispatcher"),
    ("dispatch.py", "run_scenario", "scenarios run through the index"),
    ("dispatch.py", "call_definition", "steps run through the index"),
    ("secrets.py", "scrub_report", "reports redacted"),
    ("redaction.py", "redact", "redactions"),
)


def profile_run(project: Path, env: dict[str, str], out: Path) -> float:
    """One run of the project's suite under cProfile; its wall seconds."""
    command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "pytest", "-q"]
    command += ["-p", "no:cacheprovider", "-p", "bench_probe"]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command,
        cwd=project,
        env={**env, "BENCH_PROBE": str(out.with_suffix(".json"))},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"profiling {project.name} failed\n{done.stdout[-3000:]}")
    return time.perf_counter() - started


def headline(stats: pstats.Stats) -> str:
    """Calls and cumulative seconds of the :data:`HEADLINE` functions."""
    entries = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}
    lines = []
    for filename, function, meaning in HEADLINE:
        calls, cumulative = 0, 0.0
        for (file, _, name), (_, ncalls, _, cumtime, _) in entries.items():
            if name == function and os.path.basename(file) == filename:
                calls, cumulative = calls + ncalls, cumulative + cumtime
        if calls:
            lines.append(f"  {meaning:32} {calls:>9,} calls {cumulative:8.2f} s  {function}\n")
    return "".join(lines)


def summary(prof: Path) -> str:
    """The profile's headline, calls of interest and top entries, as pstats prints them."""
    text = io.StringIO()
    stats = pstats.Stats(str(prof), stream=text)
    text.write(headline(stats))
    stats.strip_dirs()
    text.write("calls of interest (sorted by cumulative time):\n")
    stats.sort_stats("cumulative").print_stats(OF_INTEREST, TOP)
    text.write(f"top {TOP} by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(TOP)
    text.write(f"top {TOP} by own time:\n")
    stats.sort_stats("tottime").print_stats(TOP)
    return text.getvalue()


def profile(root: Path, count: int, url: str, path: Path, suite: Suite) -> None:
    """Profile bare pytest-bdd and api-bdd at ``count`` scenarios of ``suite``; write the
    summary to path."""
    bare_env = child_environment()
    writers = {
        "bare pytest-bdd": (suite.write_bare, bare_env),
        "api-bdd": (suite.write_api_bdd, api_bdd_env(bare_env)),
    }
    parts = [f"cProfile of one run of {count} scenarios, {suite.title} (python -m bench speed)"]
    parts.append(f"; {machine()} at the start\n")
    for name, (write, env) in writers.items():
        project = root / f"profile-{suite.prefix}{name.split()[0]}"
        write(project, count, url, extra=False)
        prof = root / f"{name.split()[0]}.prof"
        wall = profile_run(project, env, prof)
        parts.append(f"\n===== {name}: {wall:.2f} s wall under cProfile =====\n")
        parts.append(summary(prof))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    print(f"wrote {path}")
