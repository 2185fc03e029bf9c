"""The demo shop as the API under test when no base URL is given: a pytest plugin.

It answers api-bdd's ``pytest_api_bdd_start_api`` hook (see ``steps/hookspecs.py``): start
the shop in this process on 127.0.0.1, port 0, over a fresh SQLite file, with the user the run
generated and the faults the ``--demo-*`` options ask for. The fixtures never import this
package; they call the hook, and this module is listed in the root ``conftest.py``. When it
injects faults, the terminal summary ends with what it served and injected (xdist workers
hand their counts to the controller in ``workeroutput``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from demo_api.app import create_app, shop_stats
from demo_api.faults import FaultPlan, parse_mix
from demo_api.server import DemoServer
from demo_api.store import SeedUser

_STARTED = pytest.StashKey["EmbeddedDemoApi"]()
_STATS = pytest.StashKey[list[dict[str, Any]]]()
_STATS_KEY = "api_bdd_demo_stats"  # in xdist's workeroutput


def fault_plan(options: dict[str, Any]) -> FaultPlan:
    """The fault plan for the ``--demo-*`` option values; ValueError names what is wrong."""
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
    """A started demo shop: its URL, its counts, and how to stop it."""

    def __init__(self, server: DemoServer) -> None:
        self.server = server
        self.url = server.url

    def stats(self) -> dict[str, Any]:
        return shop_stats(self.server.app)

    def stop(self) -> None:
        self.server.stop()


def pytest_api_bdd_check_api_options(options: dict[str, Any]) -> None:
    fault_plan(options)


def pytest_api_bdd_start_api(
    config: pytest.Config,
    workdir: Path,
    username: str,
    password: str,
    options: dict[str, Any],
    worker: int,
) -> EmbeddedDemoApi:
    plan = fault_plan(options)
    if plan.seed is not None and worker:  # each worker its own, still reproducible, stream
        plan = dataclasses.replace(plan, seed=plan.seed + 7919 * worker)
    app = create_app(workdir / "shop.sqlite3", [SeedUser(username, password)], faults=plan)
    # Server errors reach the tests as 500 problem responses; logging them from the server
    # thread could crash pytest on CPython 3.11 (see DemoServer's log_level).
    started = EmbeddedDemoApi(DemoServer(app, log_level="critical").start())
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
