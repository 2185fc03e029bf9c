"""``python -m bench pooling``: what one pooled session per worker saves, and what it costs.

Starts the demo shop in a thread of this process and, side by side:

1. runs the feature suite against it in a pytest subprocess (``--base-url``; client and
   server in separate processes, as against a real API), pooled as shipped and unpooled
   (``bench.unpooled``: a new connection for every request), alternating for ``--rounds``
   rounds, and prints the median time the scenarios took (the sum of JUnit's test case
   times), the connections the server accepted, and the ratio;
2. sends ``--requests`` GETs of one product three ways: a new ``requests.Session`` each time
   (a new connection, as ``requests.get`` makes), one pooled ``requests.Session``, and the
   ``ApiClient`` (pooled, with retry policy, deadline and exchange records), and prints the
   time per request: the first two show what pooling saves per request, the last two what
   the client adds to it. Both sessions skip the environment scan, as the client does. These
   run in this process, beside the server, sharing its interpreter lock: slower than across
   processes, but the same for the three ways.

The shop runs on loopback, where a TCP connect costs tens of microseconds; over a network,
with TLS, a new connection costs a round trip or three, and pooling saves more.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import requests

from bench import run_features
from client import ApiClient
from demo_api import DemoServer, SeedUser, create_app
from demo_api.app import shop_stats

MODES: dict[str, list[str]] = {"pooled": [], "unpooled": ["-p", "bench.unpooled"]}


def run_suite(server: DemoServer, user: SeedUser, mode: str, workdir: Path) -> tuple[float, int]:
    """One run of the features; returns (seconds in scenarios, connections accepted)."""
    junit = workdir / f"{mode}.xml"
    env = {**os.environ, "API_USERNAME": user.username, "API_PASSWORD": user.password}
    before = shop_stats(server.app)["connections"]
    done = run_features(
        "--no-living-docs",
        "--base-url",
        server.url,
        "--junitxml",
        str(junit),
        *MODES[mode],
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode}: the suite failed\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    cases = ET.parse(junit).getroot().iter("testcase")  # noqa: S314 (our own file)
    seconds = sum(float(case.get("time", "0")) for case in cases)
    return seconds, shop_stats(server.app)["connections"] - before


def per_request(send: Callable[[], int], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        if send() != 200:
            raise SystemExit("the product read did not answer 200")
    return (time.perf_counter() - started) / count


def compare_suites(server: DemoServer, user: SeedUser, rounds: int, workdir: Path) -> None:
    runs: dict[str, list[tuple[float, int]]] = {mode: [] for mode in MODES}
    for _ in range(rounds):
        for mode in MODES:
            runs[mode].append(run_suite(server, user, mode, workdir))
    print(f"feature suite, {rounds} runs per mode, alternating (median):")
    median = {}
    for mode, results in runs.items():
        median[mode] = statistics.median(seconds for seconds, _ in results)
        connections = statistics.median(count for _, count in results)
        print(
            f"  {mode:9} {median[mode]:6.3f} s in scenarios, connections opened: {connections:.0f}"
        )
    print(f"  unpooled / pooled: {median['unpooled'] / median['pooled']:.2f}")


def compare_requests(server: DemoServer, user: SeedUser, count: int) -> None:
    client = ApiClient(server.url)
    token = client.post(
        "/auth/token", data={"username": user.username, "password": user.password}
    ).json()["access_token"]
    made = client.authorized(token).post(
        "/products", json={"name": "bench lamp", "price": "29.99", "stock": 1}
    )
    path = f"/products/{made.json()['id']}"
    url = server.url + path

    def new_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # as the ApiClient's: no proxy and netrc lookups per request
        return session

    def unpooled() -> int:
        with new_session() as once:
            return once.get(url, timeout=5).status_code

    with new_session() as session:
        ways: dict[str, Callable[[], int]] = {
            "new connection": unpooled,
            "pooled Session": lambda: session.get(url, timeout=5).status_code,
            "ApiClient": lambda: client.get(path).status,
        }
        for send in ways.values():  # warm up: imports, the first connection
            send()
        cost = {name: per_request(send, count) for name, send in ways.items()}
    client.close()
    print(f"one GET {path}, {count} times each way:")
    for name, seconds in cost.items():
        print(f"  {name:16} {seconds * 1e3:6.3f} ms")
    bare = cost["pooled Session"]
    print(f"  new connection / pooled Session: {cost['new connection'] / bare:.2f}")
    print(f"  ApiClient / pooled Session:      {cost['ApiClient'] / bare:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench pooling", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="suite runs per mode")
    parser.add_argument("--requests", type=int, default=1000, help="GETs per way")
    args = parser.parse_args(argv)
    user = SeedUser("bench-user", secrets.token_urlsafe(24))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "shop.sqlite3", [user])
        with DemoServer(app, log_level="critical") as server:
            compare_suites(server, user, args.rounds, Path(tmp))
            compare_requests(server, user, args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
