"""Steps about user accounts."""

from __future__ import annotations

from tests.suites.shop.models.shop import User
from steps import Context, expect_model, expect_status, then, when


@when("I look up my account")
def look_up_my_account(ctx: Context) -> None:
    """``GET /users/me``."""
    ctx.send("GET", "/users/me")


@when("I look up the user with id {user_id:d}")
def look_up_user(ctx: Context, user_id: int) -> None:
    """``GET /users/{id}``."""
    ctx.send("GET", f"/users/{user_id}")


@then("I see my user profile", sets="my_user_id")
def see_my_profile(ctx: Context) -> None:
    """200, a User body, for the user who signed in."""
    expect_status(ctx.last, 200)
    user = expect_model(ctx.last, User)
    username = ctx.auth.credentials.get("API_USERNAME")
    if username:
        assert user.username == username, "the profile is someone else's"
    ctx.variables.set("my_user_id", user.id)


@then("looking up my user id shows the same profile")
def same_profile_by_id(ctx: Context) -> None:
    """``GET /users/{my id}`` answers the same User."""
    me = expect_model(ctx.last, User)
    exchange = ctx.send("GET", f"/users/{me.id}")
    expect_status(exchange, 200)
    assert expect_model(exchange, User) == me, "the user by id differs from /users/me"
