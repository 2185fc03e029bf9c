"""``python -m bench breaking``: which deliberate breaking changes the feature suite catches,
and by which layer.

For each mutation of :mod:`demo_api.mutations` (and once unmutated, which must pass), starts the
shop in a thread of this process with that one change and runs the feature suite against it
(``pytest features/shop --base-url URL`` over the framework tests' copy, :mod:`tests.suites`, its
user in ``API_USERNAME``/``API_PASSWORD``) twice:

- full: the suite as shipped, every response checked against the committed OpenAPI document;
- seed-style: conformance off, the models alone (the seed's approach: hand-written models).

A change is caught when a scenario fails. The layer is read from the first failure in the JUnit
file: OpenAPI conformance (``ConformanceError``), a model (``ContractError``) or a step's own
assertion (anything else). Ends with exactly one line:
``breaking changes caught: X of Y (seed-style: Z of Y)``.

First it times the conformance check itself on three of the shop's answers (a 201 with its
Location header, one product, a page of 20), each checked ``--checks`` times: loading the
document, the first check of an operation (which compiles its validators), then each check.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import requests

from bench import run_features
from demo_api import DemoServer, SeedUser, create_app
from demo_api.mutations import MUTATIONS, apply
from models import StrictModel, parse
from models.generate import ROOT as MODELS_ROOT
from models.openapi import Conformance, load_document
from tests.suites.shop.models.shop import Product, ProductPage

COLUMNS = {"full": "fail", "seed-style": "off"}
_STEP_LINE = re.compile(r"^\S+\.feature:\d+\s")
_ORIGIN = re.compile(r"https?://127\.0\.0\.1:\d+")  # the shop's port differs every run
_LAYERS = (
    ("does not conform to", "conformance"),
    ("ConformanceError", "conformance"),
    ("response does not match", "model"),
    ("ContractError", "model"),
)


@dataclass(frozen=True)
class Outcome:
    """One suite run against one mutation."""

    failed: int
    layer: str  # conformance, model, step; "" when nothing failed
    message: str  # the first line of the first failure

    @property
    def caught(self) -> bool:
        return self.failed > 0


def conformance_args(mode: str) -> list[str]:
    """The suite's options for a conformance mode (the profile's document is checked by
    ``steps/contracts.py``)."""
    return ["--conformance", mode]


def layer_of(message: str) -> str:
    for marker, layer in _LAYERS:
        if marker in message:
            return layer
    return "step"


def first_error_line(message: str) -> str:
    """The error's line of a failure message: after the ``file.feature:13  When ...`` line
    that pytest-bdd's failures start with, when there is one."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) > 1 and _STEP_LINE.match(lines[0]):
        return lines[1]
    return lines[0] if lines else "failed"


def read_junit(path: Path) -> Outcome:
    failures = []
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314 (our own file)
        for problem in (*case.findall("failure"), *case.findall("error")):
            message = problem.get("message") or ""
            if not message or "full report in element text" in message:
                message = problem.text or message
            failures.append(message)
    if not failures:
        return Outcome(0, "", "")
    first = _ORIGIN.sub("", first_error_line(failures[0]))
    return Outcome(len(failures), layer_of(first), first)


def run_one(mutation: str | None, mode: str, workdir: Path) -> Outcome:
    """Start the shop with ``mutation`` (None: as shipped), run the suite with ``mode``."""
    user = SeedUser(f"bench-{secrets.token_hex(3)}", secrets.token_urlsafe(24))
    name = f"{mutation or 'none'}-{mode}"
    app = create_app(workdir / f"{name}.sqlite3", [user])
    if mutation is not None:
        apply(app, mutation)
    junit = workdir / f"{name}.xml"
    env = {**os.environ, "API_USERNAME": user.username, "API_PASSWORD": user.password}
    with DemoServer(app, log_level="critical") as server:
        done = run_features(
            "--base-url",
            server.url,
            "--no-living-docs",
            "--junitxml",
            str(junit),
            *conformance_args(mode),
            env=env,
        )
    if not junit.exists():
        raise SystemExit(f"{name}: no JUnit file\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return read_junit(junit)


def _cell(outcome: Outcome) -> str:
    return f"{'caught' if outcome.caught else 'MISSED'} {outcome.layer or '-'}"


def print_table(results: dict[str, dict[str, Outcome]]) -> None:
    header = f"{'change':<22} {'full suite':<19} {'seed-style':<19} first line of the message"
    print(header)
    print("-" * len(header))
    for mutation, outcomes in results.items():
        full, seed = outcomes["full"], outcomes["seed-style"]
        message = full.message if len(full.message) <= 140 else full.message[:139] + "…"
        print(f"{mutation:<22} {_cell(full):<19} {_cell(seed):<19} {message}")
    for mutation, outcomes in results.items():
        print(f"  {mutation}: {MUTATIONS[mutation].description}", end="")
        seed = outcomes["seed-style"]
        print(f"; seed-style: {seed.message[:100]}" if seed.caught else "")


def _mean(action: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - started) / count


def _shop_answers(server: DemoServer, user: SeedUser, http: requests.Session) -> list[Timed]:
    form = {"username": user.username, "password": user.password}
    token = http.post(f"{server.url}/auth/token", data=form).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for number in range(20):
        made = http.post(
            f"{server.url}/products",
            json={"name": f"Lamp {number}", "price": "29.99", "stock": 5},
            headers=auth,
        )
    one = f"{server.url}/products/{made.json()['id']}"
    page = f"{server.url}/products?limit=20"
    return [
        Timed("a 201 with Location", made, Product, one),
        Timed("one product", http.get(one), Product, one),
        Timed("a page of 20", http.get(page), ProductPage, page),
    ]


@dataclass(frozen=True)
class Timed:
    """An answer of the shop, the model the steps parse it with, and a URL to GET again."""

    kind: str
    answer: requests.Response
    model: type[StrictModel]
    url: str


def time_checks(count: int) -> None:
    """The conformance check per response, beside a model parse and a GET round trip."""
    user = SeedUser("bench-timing", secrets.token_urlsafe(24))
    document = load_document("tests/suites/shop/models/shop.openapi.json", MODELS_ROOT)
    started = time.perf_counter()
    checker = Conformance(document)
    loaded = time.perf_counter() - started
    rows, first = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "shop.sqlite3", [user])
        with DemoServer(app, log_level="critical") as server, requests.Session() as http:
            for timed in _shop_answers(server, user, http):
                answer = timed.answer
                args = (
                    str(answer.request.method),
                    answer.url,
                    answer.status_code,
                    answer.headers,
                    answer.content,
                )
                started = time.perf_counter()
                if checker.check(*args):
                    raise SystemExit(f"{timed.kind}: the shop's own answer does not conform")
                first = max(first, time.perf_counter() - started)
                check = _mean(partial(checker.check, *args), count)
                parse_ = _mean(partial(parse, timed.model, answer.content), count)
                trip = _mean(partial(http.get, timed.url), max(count // 10, 50))
                rows.append((timed.kind, check, parse_, trip))
    print(
        f"conformance cost: document loaded in {loaded * 1e3:.0f} ms; the first check of an"
        f" operation compiles it ({first * 1e3:.1f} ms at most); then, mean of {count}:"
    )
    print(f"  {'answer':<20} {'check':>9} {'model parse':>12} {'GET on loopback':>16} check/GET")
    for kind, check, parse_, trip in rows:
        print(
            f"  {kind:<20} {check * 1e6:>6.0f} us {parse_ * 1e6:>9.0f} us {trip * 1e6:>13.0f} us"
            f" {check / trip:>9.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench breaking", description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated mutations (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="suite runs at once")
    parser.add_argument("--checks", type=int, default=2000, help="checks timed per answer")
    args = parser.parse_args(argv)
    chosen = [m.strip() for m in args.only.split(",") if m.strip()] or list(MUTATIONS)
    unknown = [m for m in chosen if m not in MUTATIONS]
    if unknown:
        parser.error(
            f"unknown mutation(s) {', '.join(unknown)}; choose from {', '.join(MUTATIONS)}"
        )
    time_checks(args.checks)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        workdir = Path(tmp)
        baseline = {c: pool.submit(run_one, None, mode, workdir) for c, mode in COLUMNS.items()}
        for column, job in baseline.items():
            if job.result().caught:
                raise SystemExit(f"the unmutated shop fails the {column} suite: {job.result()}")
        jobs = {
            m: {c: pool.submit(run_one, m, mode, workdir) for c, mode in COLUMNS.items()}
            for m in chosen
        }
        results = {
            m: {c: job.result() for c, job in columns.items()} for m, columns in jobs.items()
        }
    print_table(results)
    caught = sum(r["full"].caught for r in results.values())
    seed, total = sum(r["seed-style"].caught for r in results.values()), len(results)
    print(f"breaking changes caught: {caught} of {total} (seed-style: {seed} of {total})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
