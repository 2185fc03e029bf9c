"""Hooks api-bdd offers to other plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from client import RetryPolicy


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_retry_policy(config: pytest.Config) -> RetryPolicy | None:
    """Return the retry policy for this run's client, or None to keep the default.

    The default comes from ``--retries``. The first plugin to return a policy wins.
    """
