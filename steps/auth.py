"""Steps about signing in."""

from __future__ import annotations

import secrets

from pytest_bdd import given, then, when

from models import Problem, Token, parse
from steps.context import ScenarioContext, expect_status
from steps.vocabulary import step


@given("I am signed in")
def signed_in(shop: ScenarioContext) -> None:
    """Get a fresh bearer token for this scenario (or use API_TOKEN when it is set)."""
    shop.signed_in()


@when("I sign in with my username and password")
def sign_in(shop: ScenarioContext) -> None:
    """``POST /auth/token`` with the configured credentials."""
    shop.sign_in()


@when("I sign in with a wrong password")
def sign_in_with_wrong_password(shop: ScenarioContext) -> None:
    """``POST /auth/token`` with a random password."""
    shop.sign_in(password=secrets.token_urlsafe(16))


@then("I receive a bearer access token")
def received_token(shop: ScenarioContext) -> None:
    """200 with a Token body."""
    expect_status(shop.last, 200)
    shop.token = parse(Token, shop.last.body, where=shop.last.describe())


@then(step("the token expires within {hours:d} hours"))
def token_expires_within(shop: ScenarioContext, hours: int) -> None:
    """The token's ``expires_in`` is positive and at most ``hours`` hours."""
    assert shop.token is not None, "no token was received"
    assert 0 < shop.token.expires_in <= hours * 3600, (
        f"token expires in {shop.token.expires_in} s, not within {hours} h"
    )


@then("no access token is issued")
def no_token_issued(shop: ScenarioContext) -> None:
    """The answer is a problem document, with no ``access_token`` in it."""
    problem = parse(Problem, shop.last.body, where=shop.last.describe())
    assert problem.status >= 400
