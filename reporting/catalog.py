"""The step catalog: every step definition, its pattern, docstring, function and how often the
features use it. The steps plugin builds it from its index (``pytest_api_bdd_step_catalog``),
where items are collected (each xdist worker collects them all)."""

from __future__ import annotations

from typing import Any

import pytest


def build_catalog(items: list[pytest.Item]) -> list[dict[str, Any]]:
    if not items:
        return []
    hook = getattr(items[0].config.hook, "pytest_api_bdd_step_catalog", None)
    catalog = None if hook is None else hook(session=items[0].session)
    return list(catalog or [])
