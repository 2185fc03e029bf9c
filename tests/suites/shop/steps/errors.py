"""The shop answers every error with an RFC 9457 problem document: steps that check one."""

from __future__ import annotations

from client import Exchange
from tests.suites.shop.models.shop import Problem
from steps import Context, expect_model, expect_status, then


def expect_problem(exchange: Exchange, status: int) -> Problem:
    """Assert ``status`` with a problem body that agrees with it."""
    __tracebackhide__ = True
    expect_status(exchange, status)
    problem = expect_model(exchange, Problem)
    assert problem.status == status, f"{exchange.describe()}: problem says status {problem.status}"
    return problem


@then("the request is refused with status {status:d}", expects_status="status")
def request_refused(ctx: Context, status: int) -> None:
    """The last request answered ``status`` with a problem body (refused: 401, 403)."""
    expect_problem(ctx.last, status)
    ctx.expected()


@then("the request fails with status {status:d}", expects_status="status")
def request_failed(ctx: Context, status: int) -> None:
    """The last request answered ``status`` with a problem body."""
    expect_problem(ctx.last, status)
    ctx.expected()


@then('the request is rejected as invalid, naming the field "{field}"')
def request_rejected_naming_field(ctx: Context, field: str) -> None:
    """422 whose problem ``errors`` name ``field``."""
    problem = expect_problem(ctx.last, 422)
    ctx.expected()
    named = [e.field for e in problem.errors or []]
    assert field in named, f"{ctx.last.describe()}: errors name {named}, not {field!r}"
