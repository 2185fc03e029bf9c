"""``python -m bench speed``: api-bdd against bare pytest-bdd, side by side, as the suite grows.

Two generated suites (``--variant custom|vocab|both``, default both), each run against the
JSON server (:mod:`bench.jsonserver`) started in a process of its own:

- ``custom``: N scenarios x 5 steps (:mod:`bench.speed_suite`) for each ``--n`` (default 200,
  1,000 and 5,000);
- ``vocab``: N scenarios x 10 steps written in the generic vocabulary, a POST, a GET, status
  and JSON checks, a remembered value and a clean-up (:mod:`bench.speed_vocab`), for each
  ``--vocab-n`` (default 5,000); api-bdd runs it from a profile with no Python of its own.

For each suite and N it runs, alternating, ``--runs`` times, and takes medians of:

- ``raw loop`` (custom only): the requests and checks in a plain loop over one pooled
  ``requests.Session`` (the floor, in a subprocess like the others);
- ``bare pytest-bdd``: pytest-bdd 9.0.1, hand-written step definitions over a pooled ``Session``;
- ``api-bdd``: an api-bdd project as users run it: retries, models, redaction, evidence and the
  living documentation on;
- each pytest variant with ``--collect-only -q`` (collection alone), and (custom only), at the N
  nearest 1,000, again with 300 step definitions the suite never uses.

Every pytest run is a child process: the wall time is from start to exit, the peak memory its
maximum resident set (``/usr/bin/time``), and a probe plugin in each project reports collection
time, the end of the session (where api-bdd writes the living documentation) and the outcomes:
a run where not every scenario passed stops the bench. Then, against the server delaying each answer
(``--delay``, 50 ms), api-bdd and bare pytest-bdd each serial and with ``-n 8``, on
``--latency-n`` custom scenarios (one request each) and ``--vocab-latency-n`` vocabulary
scenarios (three requests each); a speed-up is serial wall time over ``-n 8`` wall time.

It prints a table and ends with one line of ratios: ``ratios: run_1000=R run_5000=R
collect_5000=R memory_5000=R steps_plus300=R xdist8_latency50=R vocab_run_5000=R
vocab_collect_5000=R vocab_memory_5000=R vocab_xdist8_latency50=R`` ("-" where not run).
``run``, ``collect`` and ``memory`` are api-bdd over bare pytest-bdd (wall time of the whole
run, of ``--collect-only``, peak resident memory); ``steps_plus300`` is api-bdd with 300 unused
definitions over without; ``xdist8_latency50`` and ``vocab_xdist8_latency50`` are api-bdd's
``-n 8`` speed-up over bare pytest-bdd's (1.00: the same speed-up; the issue wants >= 0.95,
"within 5% of bare's"; both speed-ups are printed above the line). ``--profile PATH`` instead
profiles one run of bare pytest-bdd and of api-bdd at the first N of the first chosen variant
with cProfile and writes the summary to PATH.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import ROOT
from bench.jsonserver import JsonServer
from bench.speed_suite import api_bdd_env, write_api_bdd_project, write_bare_project
from bench.speed_vocab import write_api_bdd_vocab_project, write_bare_vocab_project

# GNU time reports the child's own peak. ru_maxrss from os.wait4 would not do: a child started
# by this process (vfork) inherits this process's peak through exec, hiding anything smaller.
TIME = ("/usr/bin/time", "--format", "%M %U %S", "--output")
PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench_probe")
PLUS300_AT = 1000  # the +300 variants run at this N only (or the nearest N run): they are slow

Writer = Callable[..., None]  # (root, count, base_url, *, extra) -> None: writes a project


@dataclass(frozen=True)
class Suite:
    """A generated suite: how to write its two projects, and what runs beside them."""

    name: str  # "custom" or "vocab": --variant
    title: str  # for the tables
    prefix: str  # of the project folders
    write_bare: Writer
    write_api_bdd: Writer
    raw_loop: bool  # the plain loop floor runs beside it
    plus300: bool  # the +300 unused definitions variants run at the N nearest PLUS300_AT


SUITES = {
    "custom": Suite(
        "custom",
        "custom steps, 5 a scenario",
        "",
        write_bare_project,
        write_api_bdd_project,
        raw_loop=True,
        plus300=True,
    ),
    "vocab": Suite(
        "vocab",
        "generic vocabulary, 10 steps a scenario",
        "vocab-",
        write_bare_vocab_project,
        write_api_bdd_vocab_project,
        raw_loop=False,
        plus300=False,
    ),
}
CUSTOM = SUITES["custom"]


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


def variants(
    root: Path, count: int, url: str, *, plus300: bool = True, suite: Suite = CUSTOM
) -> dict[str, Variant]:
    """The variants of ``suite`` at one N (with the +300 steps ones or not), projects written
    under ``root``."""
    bare_env = child_environment()
    api_env = api_bdd_env(bare_env)
    found: dict[str, Variant] = {}
    if suite.raw_loop:
        raw = ("-c", f"from bench.speed_suite import raw_loop; raw_loop({url!r}, {count})")
        found["raw loop"] = Variant("raw loop", raw, ROOT, bare_env, count, probed=False)
    for label, write, env in (
        ("bare pytest-bdd", suite.write_bare, bare_env),
        ("api-bdd", suite.write_api_bdd, api_env),
    ):
        for extra in (False, True) if plus300 and suite.plus300 else (False,):
            folder = f"{suite.prefix}{label.split()[0]}-{count}{'-plus300' if extra else ''}"
            project = root / folder
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


def print_size(count: int, summaries: dict[str, Summary], docs: Path, title: str) -> None:
    print(f"{title}, N = {count}  (/ bare: over bare pytest-bdd's run, or its collection)")
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
    root: Path, count: int, url: str, runs: int, *, plus300: bool, suite: Suite = CUSTOM
) -> dict[str, Summary]:
    scratch = root / f"scratch-{suite.prefix}{count}"
    scratch.mkdir()
    chosen = list(variants(root, count, url, plus300=plus300, suite=suite).values())
    results = alternate(chosen, runs, scratch)
    summaries = {name: Summary.of(found) for name, found in results.items()}
    docs = root / f"{suite.prefix}api-bdd-{count}" / "reports" / "living-docs.html"
    print_size(count, summaries, docs, suite.title)
    return summaries


def measure_latency(
    root: Path, count: int, delay: float, workers: int, runs: int, suite: Suite = CUSTOM
) -> float:
    """api-bdd's speed-up with ``-n workers`` (serial wall time over parallel) over bare
    pytest-bdd's, against a server that waits ``delay`` per answer: 1.0 when api-bdd gains from
    pytest-xdist what bare pytest-bdd gains on this machine."""
    scratch = root / f"scratch-{suite.prefix}latency"
    scratch.mkdir()
    found: dict[str, float] = {}
    with JsonServer(delay=delay) as server:
        chosen: list[Variant] = []
        for label, write, env in (
            ("api-bdd", suite.write_api_bdd, api_bdd_env(child_environment())),
            ("bare pytest-bdd", suite.write_bare, child_environment()),
        ):
            project = root / f"{suite.prefix}latency-{label.split()[0]}-{count}"
            write(project, count, server.url, extra=False)
            chosen.append(Variant(f"{label} serial", PYTEST, project, env, count))
            parallel = (*PYTEST, "-n", str(workers))
            chosen.append(Variant(f"{label} -n {workers}", parallel, project, env, count))
        results = alternate(chosen, runs, scratch)
    walls = {name: statistics.median(r.wall for r in runs_) for name, runs_ in results.items()}
    print(f"{suite.title}, latency {delay * 1000:.0f} ms per answer, N = {count}:")
    for name, wall in walls.items():
        print(f"  {name:30} {wall:8.3f} s")
    for label in ("api-bdd", "bare pytest-bdd"):
        found[label] = walls[f"{label} serial"] / walls[f"{label} -n {workers}"]
        print(f"  {label}: speed-up, serial / -n {workers}: {found[label]:.2f}")
    ratio = found["api-bdd"] / found["bare pytest-bdd"]
    print(f"  api-bdd's speed-up / bare pytest-bdd's: {ratio:.2f}")
    return ratio


BySize = dict[int, dict[str, Summary]]  # N -> variant name -> medians


def over(by_size: BySize, count: int, top: str, bottom: str, field: str) -> str:
    """``top``'s ``field`` over ``bottom``'s at ``count`` ("-" where it was not run)."""
    if count not in by_size or top not in by_size[count]:
        return "-"
    size = by_size[count]
    return f"{getattr(size[top], field) / getattr(size[bottom], field):.2f}"


def ratios(
    by_size: BySize,
    latency: float | None,
    time_of: str = "wall",
    *,
    vocab: BySize | None = None,
    vocab_latency: float | None = None,
) -> dict[str, str]:
    """The issue's ratios ("-" where the N was not run), from wall times or from CPU times:
    the custom suite's from ``by_size``, the vocabulary suite's from ``vocab``."""
    vocab = vocab or {}
    plus = [n for n, s in by_size.items() if "api-bdd +300 steps" in s]
    api, bare = "api-bdd", "bare pytest-bdd"
    return {
        "run_1000": over(by_size, 1000, api, bare, time_of),
        "run_5000": over(by_size, 5000, api, bare, time_of),
        "collect_5000": over(by_size, 5000, f"{api} collect", f"{bare} collect", time_of),
        "memory_5000": over(by_size, 5000, api, bare, "peak_mib"),
        "steps_plus300": (
            over(by_size, plus[0], f"{api} +300 steps", api, time_of) if plus else "-"
        ),
        "xdist8_latency50": "-" if latency is None else f"{latency:.2f}",
        "vocab_run_5000": over(vocab, 5000, api, bare, time_of),
        "vocab_collect_5000": over(vocab, 5000, f"{api} collect", f"{bare} collect", time_of),
        "vocab_memory_5000": over(vocab, 5000, api, bare, "peak_mib"),
        "vocab_xdist8_latency50": "-" if vocab_latency is None else f"{vocab_latency:.2f}",
    }


def ratios_line(
    by_size: BySize,
    latency: float | None,
    *,
    vocab: BySize | None = None,
    vocab_latency: float | None = None,
) -> str:
    """The bench's last line: the ratios of wall times (and of peak memory)."""
    found = ratios(by_size, latency, vocab=vocab, vocab_latency=vocab_latency)
    return "ratios: " + " ".join(f"{k}={v}" for k, v in found.items())


def cpu_line(by_size: BySize, *, vocab: BySize | None = None) -> str:
    """The same ratios of CPU times (user + system of the pytest process): on a shared machine
    they move less with the load than wall times do."""
    found = ratios(by_size, None, "cpu", vocab=vocab)
    found.pop("xdist8_latency50")
    found.pop("vocab_xdist8_latency50")
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
    parser.add_argument(
        "--variant", choices=("custom", "vocab", "both"), default="both", help="suites to run"
    )
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1000, 5000], help="suite sizes")
    parser.add_argument(
        "--vocab-n", type=int, nargs="+", default=[5000], help="vocabulary suite sizes"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per variant (median)")
    parser.add_argument("--latency-n", type=int, default=500, help="scenarios in latency mode")
    parser.add_argument(
        "--vocab-latency-n",
        type=int,
        default=120,
        help="vocabulary scenarios in latency mode (3 requests each)",
    )
    parser.add_argument("--delay", type=float, default=0.05, help="latency mode: s per answer")
    parser.add_argument("--workers", type=int, default=8, help="latency mode: xdist workers")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency mode")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="N = 200, one run, latency on 40 scenarios (14 of the vocabulary)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument(
        "--profile", metavar="PATH", help="profile the first N of the first variant instead"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.vocab_n, args.runs = [200], [200], 1
        args.latency_n, args.vocab_latency_n = 40, 14
    numbers = (*args.n, *args.vocab_n, args.runs, args.latency_n, args.vocab_latency_n)
    if min(numbers) < 1:
        parser.error("--n, --vocab-n, --runs and the --latency-n take whole numbers >= 1")
    if not Path(TIME[0]).is_file():
        parser.error(f"peak memory is read with GNU time: no {TIME[0]} (apt-get install time)")
    return args


def chosen_suites(args: argparse.Namespace) -> list[tuple[Suite, list[int], int]]:
    """The suites ``--variant`` chose, each with its sizes and its latency mode's N."""
    found = []
    if args.variant in ("custom", "both"):
        found.append((CUSTOM, args.n, args.latency_n))
    if args.variant in ("vocab", "both"):
        found.append((SUITES["vocab"], args.vocab_n, args.vocab_latency_n))
    return found


def measure(root: Path, args: argparse.Namespace) -> tuple[dict[str, BySize], dict[str, float]]:
    """Every chosen suite at its sizes, then (unless ``--no-latency``) in the latency mode."""
    by_suite: dict[str, BySize] = {}
    latency: dict[str, float] = {}
    with JsonServer() as server:
        for suite, sizes, _ in chosen_suites(args):
            plus300_at = min(sizes, key=lambda n: abs(n - PLUS300_AT))
            by_suite[suite.name] = {
                count: measure_size(
                    root, count, server.url, args.runs, plus300=count == plus300_at, suite=suite
                )
                for count in sizes
            }
    if not args.no_latency:
        for suite, _, count in chosen_suites(args):
            latency[suite.name] = measure_latency(
                root, count, args.delay, args.workers, args.runs, suite
            )
    return by_suite, latency


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with workdir(args.keep) as root:
        if args.profile:
            from bench.speed_profile import profile

            suite, sizes, _ = chosen_suites(args)[0]
            with JsonServer() as server:
                profile(root, sizes[0], server.url, Path(args.profile), suite)
            return 0
        print(
            f"speed: --variant {args.variant}, median of {args.runs} alternating runs;"
            f" the JSON server runs in its own process; {machine()}"
        )
        started = time.perf_counter()
        by_suite, latency = measure(root, args)
    print(f"bench took {time.perf_counter() - started:.0f} s")
    custom, vocab = by_suite.get("custom", {}), by_suite.get("vocab", {})
    print(cpu_line(custom, vocab=vocab))
    print(
        ratios_line(
            custom,
            latency.get("custom"),
            vocab=vocab,
            vocab_latency=latency.get("vocab"),
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
