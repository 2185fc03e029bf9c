"""How steps reach their definitions: through the index, never by scanning them all.

pytest-bdd's public extension point is the step parser: this module registers one step
definition (any keyword) whose parser matches a text when the session's step index
(:func:`~steps.registry.registry_of`) does, and whose function calls the matching api-bdd
definition with the text's arguments, the data table or doc string, and the fixtures it asks
for. pytest-bdd's own lookup then scans a handful of fixtures instead of every step definition,
whatever the library's size.
Step definitions written with pytest-bdd's own decorators keep working beside it.

A scenario whose every step the pre-flight found in the index (and in no pytest-bdd
definition) skips even that lookup: pytest's ``pytest_pyfunc_call`` hook runs its steps here,
announced through pytest-bdd's hooks as pytest-bdd's runner announces them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import pytest
from pytest_bdd import step
from pytest_bdd.parsers import StepParser

from bdd_items import scenario_of
from steps.context import StepUsageError
from steps.registry import StepRegistry, registry_of

TEXT = "api_bdd_step_text"

# pytest-bdd asks a parser about a text alone (no request, no config), and only while the tests
# run: the index of the session whose test loop is running, set for the loop and reset after it
# (a session run inside a test has its own, and the outer one's is back when it ends).
_RUNNING: ContextVar[StepRegistry] = ContextVar("api_bdd_running_step_index")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    registry_of(config)  # the session's index, from the plugins registered so far


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Iterator[None]:
    token = _RUNNING.set(registry_of(session.config))
    try:
        return (yield)
    finally:
        _RUNNING.reset(token)


class IndexParser(StepParser):
    """Matches a step when exactly one api-bdd definition does (or several: ambiguity is then
    reported by the pre-flight, by name, rather than as "not found")."""

    def __init__(self) -> None:
        super().__init__("(any step in the api-bdd step index)")

    def is_matching(self, name: str) -> bool:
        registry = _RUNNING.get(None)
        return registry is not None and bool(registry.find(name))

    def parse_arguments(self, name: str) -> dict[str, Any]:
        return {TEXT: name}


@step(IndexParser())
def run_indexed_step(
    request: pytest.FixtureRequest,
    api_bdd_step_text: str,
    datatable: list[list[str]] | None = None,
    docstring: str | None = None,
) -> Any:
    """Call the api-bdd step definition that matches the step's text."""
    __tracebackhide__ = True
    return call_definition(request, api_bdd_step_text, datatable, docstring)


def call_definition(
    request: pytest.FixtureRequest,
    text: str,
    datatable: list[list[str]] | None,
    docstring: str | None,
    fixtures: dict[str, Any] | None = None,
) -> Any:
    """Call the one api-bdd definition matching ``text`` with its arguments and fixtures.

    ``fixtures``: the fixture values the scenario's steps have asked for so far (a
    function-scoped fixture has one value per test: asking pytest again costs a lookup)."""
    __tracebackhide__ = True
    matches = registry_of(request.config).find(text)
    if len(matches) != 1:
        names = ", ".join(sorted(m.definition.function for m in matches))
        raise StepUsageError(f"ambiguous step {text!r} matches {names}")
    match = matches[0]
    definition = match.definition
    kwargs: dict[str, Any] = dict(match.arguments)
    for name in definition.fixtures:
        if fixtures is None:
            kwargs[name] = request.getfixturevalue(name)
        elif name in fixtures:
            kwargs[name] = fixtures[name]
        else:
            kwargs[name] = fixtures[name] = request.getfixturevalue(name)
    if "datatable" in definition.wants:
        kwargs["datatable"] = datatable
    if "docstring" in definition.wants:
        kwargs["docstring"] = docstring
    return definition.func(**kwargs)


# -- scenarios whose every step is in the index run without pytest-bdd's per-step lookup ---------
# pytest-bdd finds each step's definition by scanning every fixture name twice per step (and
# registering temporary fixtures), the same work whatever the answer. When the pre-flight found
# that every step of a scenario matches exactly one api-bdd definition and no pytest-bdd one,
# the scenario is run here instead: the same steps, in order, announced through pytest-bdd's own
# hooks (before/after scenario, before/after step, step error) with the same arguments, so
# pytest-bdd's reports, api-bdd's recorder and any plugin see what they see from pytest-bdd.
# Scenarios with a step written with pytest-bdd's decorators (or an undefined or ambiguous one)
# keep pytest-bdd's runner. pytest's public ``pytest_pyfunc_call`` hook is the seam.
_INDEXED = pytest.StashKey[bool]()


def run_from_index(item: pytest.Item, indexed: bool) -> None:
    """The pre-flight found every step of ``item`` (a scenario of a feature file) in the index
    and none in pytest-bdd's own definitions: its steps are run here."""
    item.stash[_INDEXED] = indexed


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not pyfuncitem.stash.get(_INDEXED, False):
        return None
    __tracebackhide__ = True
    scenario = scenario_of(pyfuncitem)
    if scenario is None:  # the function was wrapped since collection (--trace): pytest-bdd's way
        return None
    run_scenario(pyfuncitem.funcargs["request"], scenario)  # type: ignore[arg-type]
    return True


def run_scenario(request: pytest.FixtureRequest, scenario: Any) -> None:
    """pytest-bdd's scenario loop, with each step's definition taken from the index."""
    __tracebackhide__ = True
    hook = request.config.hook
    feature = scenario.feature
    hook.pytest_bdd_before_scenario(request=request, feature=feature, scenario=scenario)
    fixtures: dict[str, Any] = {}
    try:
        for step in scenario.steps:
            _run_step(request, scenario, step, fixtures)
    finally:
        hook.pytest_bdd_after_scenario(request=request, feature=feature, scenario=scenario)


def _run_step(
    request: pytest.FixtureRequest, scenario: Any, step: Any, fixtures: dict[str, Any]
) -> None:
    __tracebackhide__ = True
    hook = request.config.hook
    kw: dict[str, Any] = {
        "request": request,
        "feature": scenario.feature,
        "scenario": scenario,
        "step": step,
        "step_func": run_indexed_step,
        "step_func_args": {},
    }
    hook.pytest_bdd_before_step(**kw)
    try:
        datatable = step.datatable.raw() if step.datatable is not None else None
        kwargs: dict[str, Any] = {"request": request, TEXT: step.name}
        if datatable is not None:
            kwargs["datatable"] = datatable
        if step.docstring is not None:
            kwargs["docstring"] = step.docstring
        kw["step_func_args"] = kwargs
        hook.pytest_bdd_before_step_call(**kw)
        call_definition(request, step.name, datatable, step.docstring, fixtures)
    except (Exception, pytest.fail.Exception) as exception:
        hook.pytest_bdd_step_error(exception=exception, **kw)
        raise
    hook.pytest_bdd_after_step(**kw)


# -- expected transient statuses are not retried ------------------------------------------------
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


def pytest_bdd_before_step(request: pytest.FixtureRequest, scenario: Any, step: Any) -> None:
    """A request whose following checks expect a 429/502/503/504 is sent once: retrying it
    would only spend the run's retry budget on the very answer the scenario wants. A check
    says which statuses it expects by its definition's ``expects_status``, not by how its
    parameter happens to be named."""
    registry = registry_of(request.config)
    matches = registry.find(step.name)
    if len(matches) != 1 or matches[0].definition.kind == "then":
        return  # the keyword does not matter: "Given I GET /x" sends a request too
    steps = list(scenario.steps)
    position = next((i for i, s in enumerate(steps) if s is step), None)
    if position is None:
        return
    for following in steps[position + 1 :]:
        found = registry.find(following.name)
        if len(found) != 1 or found[0].definition.kind != "then":
            break
        expected = found[0].definition.statuses_expected(found[0].arguments)
        if expected & TRANSIENT_STATUSES:
            request.getfixturevalue("ctx").next_without_retries = True
            return
