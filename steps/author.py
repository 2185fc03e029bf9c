"""The decorators step authors use: ``@given``, ``@when``, ``@then`` and ``@step`` (any).

They list the function's definition in the module that writes it, not as a pytest-bdd
fixture: a session indexes the definitions of the step modules it loads as plugins
(``pytest_plugins``; :mod:`steps.registry`). The keyword is documentation (matching ignores
it, as Cucumber does). Patterns are ``parse`` patterns with api-bdd's types: ``{price:Money}``
(an exact decimal), ``{method:Method}``, ``{path:Path}`` (no spaces), ``{name:Name}`` (a variable
name), ``{seconds:Number}``, plus parse's own (``{n:d}``...). A parameter named after a field
gets the text; ``datatable`` and ``docstring`` get the step's table (rows of cells, header
included) and doc string; any other parameter is a pytest fixture (``ctx``, the scenario
context, is the one most steps need).

``preflight`` checks a step before any request (see :class:`~steps.registry.PreflightStep`);
``sets`` names the variables the step sets (so the pre-flight knows them): an argument's name
(``sets="name"``: the variable the step text names) or a variable's own name
(``sets=("order_id",)``). ``expects_status`` names the argument of a check that holds the
status(es) it expects (``@then("the response status is {status:d}", expects_status="status")``):
a request followed by checks expecting a 429, 502, 503 or 504 is then sent once, not retried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from steps.registry import PreflightCheck, make_definition, remember

F = TypeVar("F", bound=Callable[..., Any])


def _define(
    kind: str,
    pattern: str,
    preflight: PreflightCheck | None,
    sets: str | tuple[str, ...],
    expects_status: str | None = None,
) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        remember(
            make_definition(
                kind, pattern, func, preflight=preflight, sets=sets, expects_status=expects_status
            )
        )
        return func

    return decorate


def given(
    pattern: str, *, preflight: PreflightCheck | None = None, sets: str | tuple[str, ...] = ()
) -> Callable[[F], F]:
    """A step that puts the world in a known state."""
    return _define("given", pattern, preflight, sets)


def when(
    pattern: str, *, preflight: PreflightCheck | None = None, sets: str | tuple[str, ...] = ()
) -> Callable[[F], F]:
    """A step that acts."""
    return _define("when", pattern, preflight, sets)


def then(
    pattern: str,
    *,
    preflight: PreflightCheck | None = None,
    sets: str | tuple[str, ...] = (),
    expects_status: str | None = None,
) -> Callable[[F], F]:
    """A step that checks an outcome (``expects_status``: the argument holding the status(es)
    it expects, for a status check)."""
    return _define("then", pattern, preflight, sets, expects_status)


def step(
    pattern: str, *, preflight: PreflightCheck | None = None, sets: str | tuple[str, ...] = ()
) -> Callable[[F], F]:
    """A step for any keyword."""
    return _define("step", pattern, preflight, sets)
