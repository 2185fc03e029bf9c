"""The demo shop's domain steps: one example suite built on the generic machinery.

They use what any step author uses (``from steps import ...``): ``ctx.send`` for requests (the
exchange becomes the evidence, ``undo=`` registers the clean-up), the expectation helpers, the
strict models of :mod:`tests.suites.shop.models.shop`. The shop's own state (the product and order a scenario is
about) lives in :class:`~tests.suites.shop.steps.state.Shop`, not in the generic context. ``make
remove-examples`` deletes this package, ``features/shop``, ``tests/suites/shop/models/shop*`` and the profile;
what remains is a framework for your API (its tests run their own copy, ``tests/suites``).

The composition root loads this package when a run of the ``shop`` profile configures
(:func:`steps.suites.suite_plugin`); the package names its modules here.
"""

pytest_plugins = [
    "tests.suites.shop.steps.state",
    "tests.suites.shop.steps.errors",
    "tests.suites.shop.steps.auth",
    "tests.suites.shop.steps.users",
    "tests.suites.shop.steps.catalogue",
    "tests.suites.shop.steps.orders",
]
