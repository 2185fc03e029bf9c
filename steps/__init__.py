"""What a step author imports: ``from steps import given, when, then, Context, expect_status``.

A step is a function registered with ``@given``/``@when``/``@then``/``@step`` and a ``parse``
pattern; it asks for ``ctx`` (the scenario's :class:`Context`) and sends requests with
``ctx.send`` (the exchange becomes the step's evidence, ``undo=`` registers its clean-up).
The expectation helpers fail in one line that says what came back.
"""

from __future__ import annotations

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
