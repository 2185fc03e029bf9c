"""The demo shop as the API under test when no base URL is given: a pytest plugin.

It answers api-bdd's ``pytest_api_bdd_start_api`` hook (see ``steps/hookspecs.py``) for the
name ``shop`` (a profile's ``base_url = "embedded:shop"``): start the shop in this process on
127.0.0.1, port 0, over a fresh SQLite file, with a user generated for the run (its credentials
are handed back, never written or printed) and the faults its own ``--demo-*`` options ask for.
The fixtures never import this package; they call the hook, and this module is listed in the
root ``conftest.py``. When it
injects faults, the terminal summary ends with what it served and injected (xdist workers
hand their counts to the controller in ``workeroutput``).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the shop (FastAPI, uvicorn) is imported only when a run starts it
    from demo_api.faults import FaultPlan
    from demo_api.server import DemoServer

_STARTED = pytest.StashKey["EmbeddedDemoApi"]()
_STATS = pytest.StashKey[list[dict[str, Any]]]()
_STATS_KEY = "api_bdd_demo_stats"  # in xdist's workeroutput


def fault_plan(options: dict[str, Any]) -> FaultPlan:
    """The fault plan for the ``--demo-*`` option values; ValueError names what is wrong."""
    from demo_api.faults import FaultPlan, parse_mix

    plan = FaultPlan(
        rate=options["rate"],
        seed=options["seed"],
        retry_after=options["retry_after"],
        stall=options["stall"],
    )
    if options.get("mix"):
        try:
            plan = dataclasses.replace(plan, mix=parse_mix(options["mix"]))
        except ValueError as err:
            raise ValueError(f"--demo-fault-mix: {err}") from None
    return plan


class EmbeddedDemoApi:
    """A started demo shop: its URL, its user's credentials, its counts, how to stop it."""

    def __init__(self, server: DemoServer, username: str, password: str) -> None:
        self.server = server
        self.url = server.url
        self.credentials = {"API_USERNAME": username, "API_PASSWORD": password}

    def stats(self) -> dict[str, Any]:
        from demo_api.app import shop_stats

        return shop_stats(self.server.app)

    def stop(self) -> None:
        self.server.stop()


# -- its own options ------------------------------------------------------------------------------
def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError
    return value


def _whole(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError
    return value


# name, flag, environment variable, default, converter, what a value must be, help
_OPTIONS: list[tuple[str, str, str, Any, Callable[[str], Any], str, str]] = [
    (
        "demo_fault_rate",
        "--demo-fault-rate",
        "DEMO_FAULT_RATE",
        0.0,
        _rate,
        "a share between 0 and 1",
        "share of requests given a transient fault (default 0)",
    ),
    (
        "demo_fault_seed",
        "--demo-fault-seed",
        "DEMO_FAULT_SEED",
        None,
        int,
        "a whole number",
        "seed for the fault draws (default: random)",
    ),
    (
        "demo_fault_mix",
        "--demo-fault-mix",
        "DEMO_FAULT_MIX",
        None,
        str,
        "a mix",
        "fault kinds and weights, e.g. 503-retry-after-seconds=2,reset-before-response=1"
        " (default: every kind, equally)",
    ),
    (
        "demo_retry_after",
        "--demo-retry-after",
        "DEMO_RETRY_AFTER",
        1,
        _whole,
        "a whole number >= 0",
        "seconds its Retry-After faults ask for (default 1)",
    ),
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd-demo", "api-bdd: the embedded demo shop")
    for name, flag, env, _, _, _, text in _OPTIONS:
        group.addoption(flag, dest=name, metavar="VALUE", help=f"{text}; env {env}")
        parser.addini(name, help=f"embedded demo shop: {text}", default=None)


def demo_options(config: pytest.Config) -> dict[str, Any]:
    """The ``--demo-*`` values: command line > ini > environment > default."""
    values: dict[str, Any] = {}
    for name, flag, env, default, convert, expected, _ in _OPTIONS:
        values[name] = default
        for where, raw in (
            (flag, config.getoption(name)),
            (f"ini key {name}", config.getini(name)),
            (f"environment variable {env}", os.environ.get(env)),
        ):
            if raw in (None, "", []):
                continue
            try:
                values[name] = convert(str(raw))
            except ValueError:
                raise pytest.UsageError(
                    f"api-bdd: {where}={raw!r} is invalid: expected {expected}"
                ) from None
            break
    return values


def _plan_options(config: pytest.Config, client_timeout: float) -> dict[str, Any]:
    values = demo_options(config)
    return {
        "rate": values["demo_fault_rate"],
        "seed": values["demo_fault_seed"],
        "mix": values["demo_fault_mix"],
        "retry_after": values["demo_retry_after"],
        # a stall outlasts the client's read timeout, so the client sees one
        "stall": client_timeout + 0.5,
    }


def pytest_configure(config: pytest.Config) -> None:
    options = _plan_options(config, 10.0)  # a bad value is a usage error now
    if not options["mix"]:
        return  # nothing more to check: the shop is imported only when a run starts it
    try:
        fault_plan(options)
    except ValueError as err:
        raise pytest.UsageError(f"api-bdd: {err}") from None


def pytest_api_bdd_embedded_apis() -> list[str]:
    return ["shop"]


def pytest_api_bdd_start_api(
    config: pytest.Config, name: str, workdir: Path, worker: int, client_timeout: float
) -> EmbeddedDemoApi | None:
    if name != "shop":
        return None
    from demo_api.app import create_app
    from demo_api.server import DemoServer
    from demo_api.store import SeedUser

    plan = fault_plan(_plan_options(config, client_timeout))
    if plan.seed is not None and worker:  # each worker its own, still reproducible, stream
        plan = dataclasses.replace(plan, seed=plan.seed + 7919 * worker)
    username, password = f"bdd-{secrets.token_hex(4)}", secrets.token_urlsafe(32)
    app = create_app(workdir / "shop.sqlite3", [SeedUser(username, password)], faults=plan)
    # Server errors reach the tests as 500 problem responses; logging them from the server
    # thread could crash pytest on CPython 3.11 (see DemoServer's log_level).
    server = DemoServer(app, log_level="critical").start()
    started = EmbeddedDemoApi(server, username, password)
    config.stash[_STARTED] = started
    return started


# -- the demo API's own account of the run, when it injected faults ------------------------------
def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(_STARTED, None)
    if started is None:
        return
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller reports
        workeroutput[_STATS_KEY] = started.stats()
    else:
        session.config.stash.setdefault(_STATS, []).append(started.stats())


def pytest_testnodedown(node: Any, error: object) -> None:
    stats = getattr(node, "workeroutput", {}).get(_STATS_KEY)
    if stats is not None:
        node.config.stash.setdefault(_STATS, []).append(stats)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for stats in config.stash.get(_STATS, []):
        if not stats["rate"] and not stats["faulted"]:
            continue
        kinds = ", ".join(f"{k} {n}" for k, n in stats["faults"].items()) or "none"
        terminalreporter.write_line(
            f"demo API: {stats['requests']} requests, {stats['faulted']} faults injected"
            f" (rate {stats['rate']}, seed {stats['seed']}: {kinds});"
            f" {stats['idempotent_replays']} idempotent replays,"
            f" {stats['orders_created']} orders created"
        )


__all__ = ["EmbeddedDemoApi", "fault_plan"]
