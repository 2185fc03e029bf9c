"""The one step definition pytest-bdd sees: it hands every step to the index.

pytest-bdd's public extension point is the step parser: this module registers one step
definition (any keyword) whose parser matches a text when :data:`~steps.registry.REGISTRY`
does, and whose function calls the matching api-bdd definition with the text's arguments,
the data table or doc string, and the fixtures it asks for. pytest-bdd's own lookup then
scans a handful of fixtures instead of every step definition, whatever the library's size.
Step definitions written with pytest-bdd's own decorators keep working beside it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pytest_bdd import step
from pytest_bdd.parsers import StepParser

from steps.context import StepUsageError
from steps.registry import REGISTRY

TEXT = "api_bdd_step_text"


class IndexParser(StepParser):
    """Matches a step when exactly one api-bdd definition does (or several: ambiguity is then
    reported by the pre-flight, by name, rather than as "not found")."""

    def __init__(self) -> None:
        super().__init__("(any step in the api-bdd step index)")

    def is_matching(self, name: str) -> bool:
        return bool(REGISTRY.find(name))

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
    matches = REGISTRY.find(api_bdd_step_text)
    if len(matches) != 1:
        names = ", ".join(sorted(m.definition.function for m in matches))
        raise StepUsageError(f"ambiguous step {api_bdd_step_text!r} matches {names}")
    match = matches[0]
    definition = match.definition
    kwargs: dict[str, Any] = dict(match.arguments)
    for name in definition.fixtures:
        kwargs[name] = request.getfixturevalue(name)
    if "datatable" in definition.wants:
        kwargs["datatable"] = datatable
    if "docstring" in definition.wants:
        kwargs["docstring"] = docstring
    return definition.func(**kwargs)


# -- expected transient statuses are not retried ------------------------------------------------
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


def _expected_statuses(step: Any) -> set[int]:
    """The statuses a status check step expects (empty for any other step)."""
    matches = REGISTRY.find(step.name)
    if len(matches) != 1:
        return set()
    arguments = matches[0].arguments
    if "status" in arguments and isinstance(arguments["status"], int):
        return {arguments["status"]}
    if "statuses" in arguments:
        return {int(s) for s in re.findall(r"\d{3}", str(arguments["statuses"]))}
    return set()


def pytest_bdd_before_step(request: pytest.FixtureRequest, scenario: Any, step: Any) -> None:
    """A request whose following checks expect a 429/502/503/504 is sent once: retrying it
    would only spend the run's retry budget on the very answer the scenario wants."""
    matches = REGISTRY.find(step.name)
    if len(matches) != 1 or matches[0].definition.kind == "then":
        return  # the keyword does not matter: "Given I GET /x" sends a request too
    steps = list(scenario.steps)
    position = next((i for i, s in enumerate(steps) if s is step), None)
    if position is None:
        return
    for following in steps[position + 1 :]:
        found = REGISTRY.find(following.name)
        if len(found) != 1 or found[0].definition.kind != "then":
            break
        if _expected_statuses(following) & TRANSIENT_STATUSES:
            request.getfixturevalue("ctx").next_without_retries = True
            return
