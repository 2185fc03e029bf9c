"""What a step author imports: ``from steps import given, when, then, Context, expect_status``.

A step is a function registered with ``@given``/``@when``/``@then``/``@step`` and a ``parse``
pattern; it asks for ``ctx`` (the scenario's :class:`Context`) and sends requests with
``ctx.send`` (the exchange becomes the step's evidence, ``undo=`` registers its clean-up).
The expectation helpers fail in one line that says what came back.

The package owns the glue between Gherkin and HTTP: the step index and its dispatcher, the
generic vocabulary, the pre-flight, the scenario context, the run's options
(:mod:`steps.options`) and fixtures, and ``make new-api`` (:mod:`steps.scaffold`). Each
profile's business steps are a subpackage named as the profile (``steps/shop/``), loaded for
it by :mod:`steps.suites`. May import :mod:`client`, :mod:`models` and :mod:`bdd_items` (an
item's scenario, as pytest-bdd keeps it), never ``reporting`` (they meet through hooks) nor
``demo_api`` (an embedded API answers a hook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from client._lazy import lazy_names

if TYPE_CHECKING:
    from steps.author import given, step, then, when
    from steps.context import Context, StepUsageError
    from steps.expect import (
        expect_created,
        expect_model,
        expect_status,
        json_body,
        select,
    )
    from steps.registry import PreflightStep
    from steps.variables import VariableError

# Where each name lives. A name loads its module on first use (PEP 562): importing one of the
# package's plugins (``steps.options``) does not import the whole author API, and an xdist
# controller, which runs no step, never imports the HTTP client through it.
_WHERE = {
    "given": "steps.author",
    "step": "steps.author",
    "then": "steps.author",
    "when": "steps.author",
    "Context": "steps.context",
    "StepUsageError": "steps.context",
    "expect_created": "steps.expect",
    "expect_model": "steps.expect",
    "expect_status": "steps.expect",
    "json_body": "steps.expect",
    "select": "steps.expect",
    "PreflightStep": "steps.registry",
    "VariableError": "steps.variables",
}


__getattr__ = lazy_names(globals(), _WHERE)


__all__ = [
    "Context",
    "PreflightStep",
    "StepUsageError",
    "VariableError",
    "expect_created",
    "expect_model",
    "expect_status",
    "given",
    "json_body",
    "select",
    "step",
    "then",
    "when",
]
