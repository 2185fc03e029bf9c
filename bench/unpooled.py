"""pytest plugin for ``bench.pooling``: the suite without connection reuse.

The session's ``api_client`` sends ``Connection: close`` on every request, so the server closes
each connection after one answer and every request opens a new one, as a suite that calls
``requests.get`` directly (or builds a client per test) does. Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from client import ApiClient


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any) -> Generator[None, Any, Any]:
    value = yield
    if fixturedef.argname == "api_client" and isinstance(value, ApiClient):
        # In place: pytest has cached this value already; the clients derived from it
        # (signed in, per scenario) copy these headers.
        value.headers["Connection"] = "close"
    return value
