"""Composition root: which plugins make up api-bdd. Behaviour lives in the modules named here.

The step packages are registered for assert rewriting first, so their ``assert`` statements
explain themselves whatever imports them first. The running profile's domain steps
(``steps/<api>/``) are loaded by ``steps.suites`` when pytest configures, so adding or removing
an API suite never edits this file, and a run does not import the other suites; with them, in
a process that runs tests, the plugins that index, check and run steps (``steps.suites.RUNNING``).
"""

import pytest

pytest.register_assert_rewrite("steps", "reporting")

pytest_plugins = [
    "steps.options",
    "steps.fixtures",
    "steps.collect",
    "steps.gc_freeze",  # the session's long-lived objects, out of the collector's way
    "steps.contracts",
    "steps.about",
    # where tests run (not in the controller of pytest -n): the step index, the generic
    # vocabulary, the pre-flight, the step catalog and the running profile's domain steps,
    # steps/<api>/ (the demo shop's: steps/shop/)
    "steps.suites",
    "reporting.diagnostics",
    "reporting.plugin",
    "reporting.pending",  # @wip scenarios: pending, not failed (unless --strict-wip)
    "reporting.coverage",  # operation coverage, once a profile names an OpenAPI document
    # the embedded APIs: the demo shop, and httpbin (an API nobody here wrote)
    "demo_api.pytest_plugin",
    "demo_api.httpbin_plugin",
]
