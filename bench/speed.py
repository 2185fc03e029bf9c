"""``python -m bench speed``: api-bdd against bare pytest-bdd, side by side, as the suite grows.

Generates a suite of N scenarios x 5 steps (:mod:`bench.speed_suite`) for each ``--n`` (default
200, 1,000 and 5,000), starts the JSON server (:mod:`bench.jsonserver`) in a process of its own,
and for each N runs, alternating, ``--runs`` times, and takes medians of:

- ``raw loop``: the requests and checks in a plain loop over one pooled ``requests.Session``
  (the floor, in a subprocess like the others);
- ``bare pytest-bdd``: pytest-bdd 9.0.1, hand-written step definitions over a plain ``Session``;
- ``api-bdd``: an api-bdd project as users run it: retries, models, redaction, evidence and the
  living documentation on;
- each pytest variant with ``--collect-only -q`` (collection alone), and, at the N nearest
  1,000, again with 300 step definitions the suite never uses.

Every pytest run is a child process: the wall time is from start to exit, the peak memory its
maximum resident set (``/usr/bin/time``), and a probe plugin in each project reports collection
time, the end of the session (where api-bdd writes the living documentation) and the outcomes:
a run where not every scenario passed stops the bench. Then, against the server delaying each answer
(``--delay``, 50 ms), api-bdd serial against ``-n 8`` on ``--latency-n`` scenarios.

It prints a table and ends with one line of ratios (api-bdd over bare pytest-bdd for run,
collection and memory; api-bdd with 300 unused definitions over without; serial over -n 8):
``ratios: run_1000=R run_5000=R collect_5000=R memory_5000=R steps_plus300=R
xdist8_latency50=R`` ("-" where the N was not run). ``--profile PATH`` instead profiles one run
of bare pytest-bdd and of api-bdd at the first N with cProfile and writes the summary to PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import ROOT
from bench.jsonserver import JsonServer
from bench.speed_suite import api_bdd_env, write_api_bdd_project, write_bare_project

# GNU time reports the child's own peak. ru_maxrss from os.wait4 would not do: a child started
# by this process (vfork) inherits this process's peak through exec, hiding anything smaller.
TIME = ("/usr/bin/time", "--format", "%M %U %S", "--output")
PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench_probe")
PLUS300_AT = 1000  # the +300 variants run at this N only (or the nearest N run): they are slow


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak resident MiB, CPU seconds and what the probe said."""

    wall: float
    peak_mib: float
    probe: dict[str, object] = field(default_factory=dict)
    cpu: float = 0.0  # user + system: steadier than wall on a shared machine


@dataclass(frozen=True)
class Variant:
    """A way to run the suite: a name for the table and how to start it."""

    name: str
    command: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    scenarios: int  # what the probe must see collected (and pass, unless collect_only)
    collect_only: bool = False
    probed: bool = True  # loads bench_probe (the pytest variants)

    def as_expected(self, probe: dict[str, object]) -> bool:
        """Every scenario collected and passed (the raw loop has no probe: its exit says).

        An xdist controller collects nothing itself: there only the outcomes count."""
        if not self.probed:
            return True
        passed = 0 if self.collect_only else self.scenarios
        collected = probe.get("items", self.scenarios)
        return collected == self.scenarios and probe.get("outcomes") == (
            {"passed": passed} if passed else {}
        )


def run_child(variant: Variant, scratch: Path) -> Run:
    """Run ``variant`` once; stop the bench, with its output, when it did not all pass."""
    probe, log, peak = scratch / "probe.json", scratch / "output.txt", scratch / "peak.txt"
    probe.unlink(missing_ok=True)
    env = {**variant.env, "BENCH_PROBE": str(probe)}
    with log.open("w") as out:
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [*TIME, str(peak), sys.executable, *variant.command],
            cwd=variant.cwd,
            env=env,
            stdout=out,
            stderr=out,
            check=False,
        )
        wall = time.perf_counter() - started
    seen = json.loads(probe.read_text()) if probe.exists() else {}
    if done.returncode != 0 or not variant.as_expected(seen):
        tail = log.read_text()[-3000:]
        raise SystemExit(f"{variant.name}: exit {done.returncode}, probe {seen}\n{tail}")
    kib, user, system = peak.read_text().split()[-3:]
    return Run(wall, int(kib) / 1024, seen, float(user) + float(system))


def variants(root: Path, count: int, url: str, *, plus300: bool = True) -> dict[str, Variant]:
    """The variants at one N (with the +300 steps ones or not), projects written under ``root``."""
    bare_env = child_environment()
    api_env = api_bdd_env(bare_env)
    raw = ("-c", f"from bench.speed_suite import raw_loop; raw_loop({url!r}, {count})")
    found: dict[str, Variant] = {
        "raw loop": Variant("raw loop", raw, ROOT, bare_env, count, probed=False)
    }
    for label, write, env in (
        ("bare pytest-bdd", write_bare_project, bare_env),
        ("api-bdd", write_api_bdd_project, api_env),
    ):
        for extra in (False, True) if plus300 else (False,):
            project = root / f"{label.split()[0]}-{count}{'-plus300' if extra else ''}"
            write(project, count, url, extra=extra)
            name = f"{label} +300 steps" if extra else label
            found[name] = Variant(name, PYTEST, project, env, count)
            if not extra:
                collect = (*PYTEST, "--collect-only")
                name = f"{label} collect"
                found[name] = Variant(name, collect, project, env, count, collect_only=True)
    return found


def child_environment() -> dict[str, str]:
    """The environment every variant runs in: this one, without PYTHONPATH (each variant sets
    its own) and without PYTHONDONTWRITEBYTECODE, so that Python and pytest keep and reuse
    compiled modules (and rewritten asserts) as they do on a user's machine; the bench's own
    environment may turn that off, and every run would then compile every module again."""
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def warm_up(chosen: list[Variant], scratch: Path) -> None:
    """One untimed collection per project first: the compiled modules are then in place for
    every timed run, the first one included."""
    seen: set[Path] = set()
    for variant in chosen:
        if variant.probed and variant.cwd not in seen:
            seen.add(variant.cwd)
            command = (*PYTEST, "--collect-only")
            run_child(
                Variant(
                    variant.name,
                    command,
                    variant.cwd,
                    variant.env,
                    variant.scenarios,
                    collect_only=True,
                ),
                scratch,
            )


def alternate(chosen: list[Variant], runs: int, scratch: Path) -> dict[str, list[Run]]:
    """``runs`` rounds, each variant once per round, the starting one rotating, after a
    warm-up."""
    warm_up(chosen, scratch)
    results: dict[str, list[Run]] = {v.name: [] for v in chosen}
    for round_ in range(runs):
        shift = round_ % len(chosen)
        for variant in chosen[shift:] + chosen[:shift]:
            results[variant.name].append(run_child(variant, scratch))
    return results


@dataclass(frozen=True)
class Summary:
    """Medians of one variant's runs."""

    wall: float
    peak_mib: float
    collection: float | None
    sessionfinish: float | None
    cpu: float = 0.0

    @classmethod
    def of(cls, runs: list[Run]) -> Summary:
        def probe_median(key: str) -> float | None:
            values = [float(r.probe[key]) for r in runs if key in r.probe]  # type: ignore[arg-type]
            return statistics.median(values) if values else None

        return cls(
            statistics.median(r.wall for r in runs),
            statistics.median(r.peak_mib for r in runs),
            probe_median("collection"),
            probe_median("sessionfinish"),
            statistics.median(r.cpu for r in runs),
        )


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_size(count: int, summaries: dict[str, Summary], docs: Path) -> None:
    print(f"N = {count}  (/ bare: over bare pytest-bdd's run, or its collection)")
    head = f"  {'variant':30} {'wall s':>8} {'/ bare':>7} {'cpu s':>8} {'/ bare':>7}"
    print(f"{head} {'peak MiB':>9} {'collect s':>10}")
    for name, summary in summaries.items():
        bare = summaries["bare pytest-bdd collect" if "collect" in name else "bare pytest-bdd"]
        print(
            f"  {name:30} {summary.wall:8.3f} {summary.wall / bare.wall:7.2f}"
            f" {summary.cpu:8.3f} {summary.cpu / bare.cpu:7.2f}"
            f" {summary.peak_mib:9.1f} {fmt(summary.collection):>10}"
        )
    size = docs.stat().st_size / 2**20 if docs.exists() else None
    finish = summaries["api-bdd"].sessionfinish
    bare_finish = summaries["bare pytest-bdd"].sessionfinish
    print(
        f"  living docs: {fmt(size, 2)} MiB; session finish {fmt(finish)} s"
        f" (bare pytest-bdd {fmt(bare_finish)} s)"
    )


def measure_size(
    root: Path, count: int, url: str, runs: int, *, plus300: bool
) -> dict[str, Summary]:
    scratch = root / f"scratch-{count}"
    scratch.mkdir()
    chosen = list(variants(root, count, url, plus300=plus300).values())
    results = alternate(chosen, runs, scratch)
    summaries = {name: Summary.of(found) for name, found in results.items()}
    print_size(count, summaries, root / f"api-bdd-{count}" / "reports" / "living-docs.html")
    return summaries


def measure_latency(root: Path, count: int, delay: float, workers: int, runs: int) -> float:
    """api-bdd serial over ``-n workers`` against a server that waits ``delay`` per answer, and
    bare pytest-bdd the same way beside it: what pytest-xdist itself gives on this machine."""
    scratch = root / "scratch-latency"
    scratch.mkdir()
    found: dict[str, float] = {}
    with JsonServer(delay=delay) as server:
        chosen: list[Variant] = []
        for label, write, env in (
            ("api-bdd", write_api_bdd_project, api_bdd_env(child_environment())),
            ("bare pytest-bdd", write_bare_project, child_environment()),
        ):
            project = root / f"latency-{label.split()[0]}-{count}"
            write(project, count, server.url, extra=False)
            chosen.append(Variant(f"{label} serial", PYTEST, project, env, count))
            parallel = (*PYTEST, "-n", str(workers))
            chosen.append(Variant(f"{label} -n {workers}", parallel, project, env, count))
        results = alternate(chosen, runs, scratch)
    walls = {name: statistics.median(r.wall for r in runs_) for name, runs_ in results.items()}
    print(f"latency {delay * 1000:.0f} ms per answer, N = {count}:")
    for name, wall in walls.items():
        print(f"  {name:30} {wall:8.3f} s")
    for label in ("api-bdd", "bare pytest-bdd"):
        found[label] = walls[f"{label} serial"] / walls[f"{label} -n {workers}"]
        print(f"  {label}: serial / -n {workers}: {found[label]:.2f}")
    return found["api-bdd"]


def ratios(
    by_size: dict[int, dict[str, Summary]], latency: float | None, time_of: str = "wall"
) -> dict[str, str]:
    """The issue's ratios ("-" where the N was not run), from wall times or from CPU times."""

    def over(count: int, top: str, bottom: str, field: str = time_of) -> str:
        if count not in by_size or top not in by_size[count]:
            return "-"
        size = by_size[count]
        return f"{getattr(size[top], field) / getattr(size[bottom], field):.2f}"

    plus = [n for n, s in by_size.items() if "api-bdd +300 steps" in s]
    return {
        "run_1000": over(1000, "api-bdd", "bare pytest-bdd"),
        "run_5000": over(5000, "api-bdd", "bare pytest-bdd"),
        "collect_5000": over(5000, "api-bdd collect", "bare pytest-bdd collect"),
        "memory_5000": over(5000, "api-bdd", "bare pytest-bdd", "peak_mib"),
        "steps_plus300": over(plus[0], "api-bdd +300 steps", "api-bdd") if plus else "-",
        "xdist8_latency50": "-" if latency is None else f"{latency:.2f}",
    }


def ratios_line(by_size: dict[int, dict[str, Summary]], latency: float | None) -> str:
    """The bench's last line: the ratios of wall times (and of peak memory)."""
    return "ratios: " + " ".join(f"{k}={v}" for k, v in ratios(by_size, latency).items())


def cpu_line(by_size: dict[int, dict[str, Summary]]) -> str:
    """The same ratios of CPU times (user + system of the pytest process): on a shared machine
    they move less with the load than wall times do."""
    found = ratios(by_size, None, "cpu")
    found.pop("xdist8_latency50")
    return "cpu ratios: " + " ".join(f"{k}={v}" for k, v in found.items())


def machine() -> str:
    """The cores and the load: on a shared machine the wall times move with the load."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


@contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    if keep:
        path = Path(tempfile.mkdtemp(prefix="bench-speed-"))
        print(f"projects kept in {path}")
        yield path
    else:
        with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
            yield Path(tmp)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1000, 5000], help="suite sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant (median)")
    parser.add_argument("--latency-n", type=int, default=500, help="scenarios in latency mode")
    parser.add_argument("--delay", type=float, default=0.05, help="latency mode: s per answer")
    parser.add_argument("--workers", type=int, default=8, help="latency mode: xdist workers")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency mode")
    parser.add_argument(
        "--quick", action="store_true", help="N = 200, one run, latency on 40 scenarios"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--profile", metavar="PATH", help="profile the first N instead")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.runs, args.latency_n = [200], 1, 40
    if min(args.n) < 1 or args.runs < 1 or args.latency_n < 1:
        parser.error("--n, --runs and --latency-n take whole numbers >= 1")
    if not Path(TIME[0]).is_file():
        parser.error(f"peak memory is read with GNU time: no {TIME[0]} (apt-get install time)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with workdir(args.keep) as root:
        if args.profile:
            from bench.speed_profile import profile

            with JsonServer() as server:
                profile(root, args.n[0], server.url, Path(args.profile))
            return 0
        print(
            f"speed: N scenarios x 5 steps, median of {args.runs} alternating runs;"
            f" the JSON server runs in its own process; {machine()}"
        )
        by_size: dict[int, dict[str, Summary]] = {}
        plus300_at = min(args.n, key=lambda n: abs(n - PLUS300_AT))
        with JsonServer() as server:
            for count in args.n:
                by_size[count] = measure_size(
                    root, count, server.url, args.runs, plus300=count == plus300_at
                )
        latency = None
        if not args.no_latency:
            latency = measure_latency(root, args.latency_n, args.delay, args.workers, args.runs)
    print(cpu_line(by_size))
    print(ratios_line(by_size, latency))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
