"""Steps about the shop's token endpoint itself (signing in is the profile's business)."""

from __future__ import annotations

import secrets

from tests.suites.shop.models.shop import Token
from steps import Context, expect_model, expect_status, then, when
from tests.suites.shop.steps.errors import expect_problem
from tests.suites.shop.steps.state import Shop


def _sign_in(ctx: Context, password: str | None = None) -> None:
    form, headers = ctx.auth.grant_request(password)
    token_url = getattr(ctx.profile.auth, "token_url", "/auth/token")
    ctx.anonymous()
    ctx.send("POST", token_url, data=form, headers=headers)


@when("I sign in with my username and password")
def sign_in(ctx: Context) -> None:
    """``POST /auth/token`` with the profile's user (the OAuth2 password form)."""
    _sign_in(ctx)


@when("I sign in with a wrong password")
def sign_in_with_wrong_password(ctx: Context) -> None:
    """``POST /auth/token`` with a random password."""
    _sign_in(ctx, password=secrets.token_urlsafe(16))


@then("I receive a bearer access token")
def received_token(shop: Shop) -> None:
    """200 with a Token body."""
    expect_status(shop.ctx.last, 200)
    shop.token = expect_model(shop.ctx.last, Token)


@then("the token expires within {hours:d} hours")
def token_expires_within(shop: Shop, hours: int) -> None:
    """The token's ``expires_in`` is positive and at most ``hours`` hours."""
    assert shop.token is not None, "no token was received"
    assert 0 < shop.token.expires_in <= hours * 3600, (
        f"token expires in {shop.token.expires_in} s, not within {hours} h"
    )


@then("no access token is issued")
def no_token_issued(ctx: Context) -> None:
    """The answer is a problem document (so it holds no ``access_token``)."""
    assert ctx.last.status >= 400, f"{ctx.last.describe()}: expected a refusal"
    expect_problem(ctx.last, ctx.last.status)
