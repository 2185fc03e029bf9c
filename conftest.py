"""Composition root: which plugins make up api-bdd. Behaviour lives in the modules named here."""

pytest_plugins = [
    "steps.options",
    "steps.fixtures",
    "steps.context",
    "steps.http",
    "steps.auth",
    "steps.users",
    "steps.products",
    "steps.orders",
]
