"""The shop API the features run against when no base URL is given.

A real HTTP server (FastAPI on uvicorn) over a real SQLite database. Nothing in ``client/``,
``models/`` or ``steps/`` imports this package: only the fixture that starts it and its own
tests do, so the test-side contract stays independent of the implementation.
"""

from __future__ import annotations

from demo_api.app import create_app
from demo_api.server import DemoServer
from demo_api.store import SeedUser, Store

__all__ = ["DemoServer", "SeedUser", "Store", "create_app"]
