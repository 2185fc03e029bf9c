"""Composition root: which plugins make up api-bdd. Behaviour lives in the modules named here.

Order matters: a module is listed after the ones it imports, so pytest can rewrite the asserts
of each before it is first imported.
"""

pytest_plugins = [
    "steps.options",
    "steps.fixtures",
    "steps.context",
    "steps.http",
    "steps.auth",
    "steps.users",
    "steps.products",
    "steps.orders",
    "reporting.diagnostics",
    "reporting.plugin",
    "reporting.coverage",  # operation coverage, once a profile names an OpenAPI document
    "demo_api.pytest_plugin",  # the API under test when no base URL is given
]
