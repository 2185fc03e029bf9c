"""Generic steps about how the API answered: statuses and problem details."""

from __future__ import annotations

from pytest_bdd import then

from steps.context import ScenarioContext, expect_problem
from steps.vocabulary import step


@then(step("the request is refused with status {status:d}"))
@then(step("the request fails with status {status:d}"))
def request_failed_with_status(shop: ScenarioContext, status: int) -> None:
    """The last request answered ``status`` with an RFC 9457 problem body."""
    expect_problem(shop.last, status)


@then(step('the request is rejected as invalid, naming the field "{field}"'))
def request_rejected_naming_field(shop: ScenarioContext, field: str) -> None:
    """422 whose problem ``errors`` name ``field``."""
    problem = expect_problem(shop.last, 422)
    named = [e.field for e in problem.errors or []]
    assert field in named, f"{shop.last.describe()}: errors name {named}, not {field!r}"
