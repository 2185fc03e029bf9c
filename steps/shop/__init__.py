"""The demo shop's domain steps: one example suite built on the generic machinery.

They use what any step author uses (``from steps import ...``): ``ctx.send`` for requests (the
exchange becomes the evidence, ``undo=`` registers the clean-up), the expectation helpers, the
strict models of :mod:`models.shop`. The shop's own state (the product and order a scenario is
about) lives in :class:`~steps.shop.state.Shop`, not in the generic context. ``make
remove-examples`` deletes this package, ``features/shop``, ``models/shop*`` and the profile;
what remains is a framework for your API (its tests run their own copy, ``tests/suites``).

The composition root loads this package when a run of the ``shop`` profile configures
(:func:`steps.suites.suite_plugin`); the package names its modules here.
"""

pytest_plugins = [
    "steps.shop.state",
    "steps.shop.errors",
    "steps.shop.auth",
    "steps.shop.users",
    "steps.shop.catalogue",
    "steps.shop.orders",
]
