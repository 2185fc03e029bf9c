"""Hooks api-bdd offers to other plugins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from client import RetryPolicy


class StartedApi(Protocol):
    """What ``pytest_api_bdd_start_api`` returns."""

    url: str

    def stats(self) -> dict[str, Any]: ...

    def stop(self) -> None: ...


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_retry_policy(config: pytest.Config) -> RetryPolicy | None:
    """Return the retry policy for this run's client, or None to keep the default.

    The default comes from ``--retries``. The first plugin to return a policy wins.
    """


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_start_api(
    config: pytest.Config,
    workdir: Path,
    username: str,
    password: str,
    options: dict[str, Any],
    worker: int,
) -> StartedApi | None:
    """Start the API to test when no base URL is given (once per worker), seeded with this
    user; ``options`` holds the ``--demo-*`` values (``rate``, ``seed``, ``mix``,
    ``retry_after``, ``stall``); ``worker`` is the xdist worker's number (0 without xdist)."""


@pytest.hookspec
def pytest_api_bdd_check_api_options(options: dict[str, Any]) -> None:
    """Raise ValueError, naming the option, for ``--demo-*`` values the embedded API refuses.

    Called at configure time, so a bad value is a usage error before any test runs."""
