"""Composition root: which plugins make up api-bdd. Behaviour lives in the modules named here.

The step packages are registered for assert rewriting first, so their ``assert`` statements
explain themselves whatever imports them first.
"""

import pytest

pytest.register_assert_rewrite("steps", "reporting")

pytest_plugins = [
    "steps.options",
    "steps.fixtures",
    "steps.collect",
    "steps.preflight",
    "steps.dispatch",
    "steps.vocabulary",
    "steps.catalog",
    "steps.contracts",
    "steps.about",
    # the demo shop's domain steps (an example suite on the same machinery)
    "steps.shop.state",
    "steps.shop.errors",
    "steps.shop.auth",
    "steps.shop.users",
    "steps.shop.catalogue",
    "steps.shop.orders",
    "reporting.diagnostics",
    "reporting.plugin",
    "reporting.pending",  # @wip scenarios: pending, not failed (unless --strict-wip)
    "reporting.coverage",  # operation coverage, once a profile names an OpenAPI document
    # the embedded APIs: the demo shop, and httpbin (an API nobody here wrote)
    "demo_api.pytest_plugin",
    "demo_api.httpbin_plugin",
]
