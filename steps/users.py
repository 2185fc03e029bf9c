"""Steps about user accounts."""

from __future__ import annotations

from pytest_bdd import then, when

from models import User, parse
from steps.context import ScenarioContext, expect_status
from steps.vocabulary import step


@when("I look up my account")
def look_up_my_account(shop: ScenarioContext) -> None:
    """``GET /users/me``."""
    shop.exchange = shop.api.get("/users/me")


@when(step("I look up the user with id {user_id:d}"))
def look_up_user(shop: ScenarioContext, user_id: int) -> None:
    """``GET /users/{id}``."""
    shop.exchange = shop.api.get(f"/users/{user_id}")


@then("I see my user profile", target_fixture="me")
def see_my_profile(shop: ScenarioContext) -> User:
    """200, a User body, for the user who signed in."""
    expect_status(shop.last, 200)
    user = parse(User, shop.last.body, where=shop.last.describe())
    if shop.settings.username is not None:
        assert user.username == shop.settings.username, "the profile is someone else's"
    return user


@then("looking up my user id shows the same profile")
def same_profile_by_id(shop: ScenarioContext, me: User) -> None:
    """``GET /users/{my id}`` answers the same User."""
    exchange = shop.api.get(f"/users/{me.id}")
    expect_status(exchange, 200)
    assert parse(User, exchange.body, where=exchange.describe()) == me
