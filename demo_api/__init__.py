"""The shop API the features run against when no base URL is given.

A real HTTP server (FastAPI on uvicorn) over a real SQLite database; also httpbin's loopback
server (:mod:`demo_api.httpbin_plugin`). Both stay when ``make remove-examples`` removes the
example suites: the framework's own tests run against them.

Imports nothing of ours. Nothing in ``client/``, ``models/``, ``steps/`` or ``reporting/``
imports this package: only the plugins that start it (answering
``pytest_api_bdd_start_api``), the benchmarks and its own tests do, so the test-side contract
stays independent of the implementation.

The names below load on first use (PEP 562): a run whose profile has a URL, or an xdist worker
that never starts the shop, does not pay for importing FastAPI and uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo_api.app import create_app
    from demo_api.server import DemoServer
    from demo_api.store import SeedUser, Store

_WHERE = {
    "DemoServer": "demo_api.server",
    "SeedUser": "demo_api.store",
    "Store": "demo_api.store",
    "create_app": "demo_api.app",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'demo_api' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


__all__ = ["DemoServer", "SeedUser", "Store", "create_app"]
