"""``python -m bench flakiness``: the feature suite against a faulty demo API, three policies.

Each run starts the suite with the embedded demo API injecting transient faults at ``--rate``
with its own seed; every policy runs on the same seeds, side by side:

- ours: the default RetryPolicy (safe verdicts, Retry-After, jittered backoff, budget, keys);
- none: ``--retries 0``;
- seed: the seed article's policy (``bench.seed_policy``).

Prints, per policy: scenario executions, failed scenarios, retried requests, time spent
waiting as a share of wall time, the longest wait, waits above what the server asked for, and
orders on the server against the orders the scenarios meant to create.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import run_features

POLICIES: dict[str, list[str]] = {
    "ours": [],
    "none": ["--retries", "0"],
    "seed": ["-p", "bench.seed_policy"],
}


def run_once(
    policy: str, seed: int, rate: float, workdir: Path, read_timeout: float
) -> dict[str, Any]:
    out = workdir / f"{policy}-{seed}.json"
    done = run_features(
        "-p",
        "bench.counting",
        "--bench-out",
        str(out),
        "--demo-fault-rate",
        str(rate),
        "--demo-fault-seed",
        str(seed),
        "--api-timeout",
        str(read_timeout),
        *POLICIES[policy],
    )
    if not out.exists():
        raise SystemExit(
            f"{policy} seed {seed}: no result\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(out.read_text())
    result["policy"], result["seed"] = policy, seed
    return result


def summarise(results: list[dict[str, Any]], policy: str) -> dict[str, Any]:
    mine = [r for r in results if r["policy"] == policy]
    total = {
        k: sum(r[k] for r in mine)
        for k in (
            "scenarios",
            "failed",
            "requests",
            "retried",
            "waited",
            "wall",
            "over_asked",
            "orders_meant",
            "orders_created",
            "duplicate_orders",
            "server_requests",
        )
    }
    total["longest_wait"] = max(r["longest_wait"] for r in mine)
    total["runs"] = len(mine)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench flakiness", description=__doc__)
    parser.add_argument("--runs", type=int, default=16, help="runs per policy (19 scenarios each)")
    parser.add_argument("--rate", type=float, default=0.1, help="share of requests faulted")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=4, help="runs at once (they mostly wait)")
    parser.add_argument("--read-timeout", type=float, default=1.0, help="client read timeout")
    parser.add_argument("--policies", default="ours,none,seed")
    args = parser.parse_args(argv)
    policies = [p.strip() for p in args.policies.split(",")]
    seeds = range(args.first_seed, args.first_seed + args.runs)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        jobs = [
            pool.submit(run_once, p, s, args.rate, Path(tmp), args.read_timeout)
            for s in seeds
            for p in policies
        ]
        results = [j.result() for j in jobs]
    print(
        f"flakiness: {args.runs} runs per policy, faults at {args.rate:.0%} of requests,"
        f" seeds {seeds.start}..{seeds.stop - 1}, client read timeout {args.read_timeout} s,"
        f" {time.monotonic() - began:.0f} s in all"
    )
    header = (
        f"{'policy':<6} {'scenarios':>9} {'failed':>7} {'fail %':>7} {'retried':>8}"
        f" {'wait s':>7} {'wait/wall':>9} {'max wait':>8} {'>asked':>6}"
        f" {'orders':>7} {'meant':>6} {'dup':>4} {'srv req':>8}"
    )
    print(header)
    print("-" * len(header))
    for policy in policies:
        t = summarise(results, policy)
        print(
            f"{policy:<6} {t['scenarios']:>9} {t['failed']:>7} {t['failed'] / t['scenarios']:>7.2%}"
            f" {t['retried']:>8} {t['waited']:>7.1f} {t['waited'] / t['wall']:>9.1%}"
            f" {t['longest_wait']:>8.2f} {t['over_asked']:>6} {t['orders_created']:>7}"
            f" {t['orders_meant']:>6} {t['duplicate_orders']:>4} {t['server_requests']:>8}"
        )
    failed = [(r["policy"], r["seed"], r["failed_ids"]) for r in results if r["failed"]]
    for _, seed, ids in (f for f in failed if f[0] == "ours"):
        print(f"ours failed with seed {seed}: {', '.join(ids)}")
    for r in results:  # a run that did not run every scenario is reported, not averaged away
        if r["scenarios"] != r["collected"]:
            print(
                f"{r['policy']} seed {r['seed']}: {r['scenarios']} of {r['collected']} scenarios"
                f" reported (pytest exit status {r['exit_status']})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
