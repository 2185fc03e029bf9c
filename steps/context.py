"""The per-scenario context: who is signed in, what the last request answered, what was made.

The one place state passes between the steps of a scenario (never module globals). Whatever a
scenario creates is registered here and removed when the scenario ends, orders before the
products they reference, unless ``--keep-data`` is given.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from client import ApiClient, ApiClientError, ApiSettings, Exchange
from models import Order, Problem, Product, StrictModel, Token, parse
from steps.options import get_option

M = TypeVar("M", bound=StrictModel)


class StepUsageError(AssertionError):
    """A step was used out of order (e.g. 'the order total' before any order)."""


@dataclass
class ScenarioContext:
    client: ApiClient
    settings: ApiSettings
    run_id: str
    token: Token | None = None
    exchange: Exchange | None = None
    product: Product | None = None
    order: Order | None = None
    created_products: list[int] = field(default_factory=list)
    created_orders: list[int] = field(default_factory=list)

    # -- who is calling --------------------------------------------------------------------
    @property
    def api(self) -> ApiClient:
        """The client as the signed-in user, or anonymous before signing in."""
        if self.token is None:
            return self.client
        return self.client.authorized(self.token.access_token)

    def sign_in(self, password: str | None = None) -> Exchange:
        """``POST /auth/token`` with the configured user (or the given password)."""
        if password is None and self.settings.password is not None:
            password = self.settings.password.get_secret_value()
        form = {
            "grant_type": "password",
            "username": self.settings.username or "",
            "password": password or "",
        }
        self.exchange = self.client.post("/auth/token", data=form)
        return self.exchange

    def signed_in(self) -> Token:
        """Sign in once per scenario (or adopt API_TOKEN) and return the token."""
        if self.token is None:
            if self.settings.token is not None:
                value = self.settings.token.get_secret_value()
                self.token = Token(access_token=value, token_type="bearer", expires_in=1)
            else:
                exchange = self.sign_in()
                expect_status(exchange, 200)
                self.token = parse(Token, exchange.body, where=exchange.describe())
        return self.token

    # -- what the last request answered ----------------------------------------------------
    @property
    def last(self) -> Exchange:
        if self.exchange is None:
            raise StepUsageError("no request has been made yet in this scenario")
        return self.exchange

    def unique(self, name: str) -> str:
        """``name`` made unique to this scenario, so runs can share one API."""
        return f"{name} [{self.run_id}-{secrets.token_hex(3)}]"

    # -- clean-up --------------------------------------------------------------------------
    def track(self, exchange: Exchange, ids: list[int]) -> None:
        """Remember the id of a resource a 201 created, for clean-up, before it is checked.

        Reads the id loosely: a body that breaks the contract is reported by the Then step, but
        what it created is still removed.
        """
        if exchange.status != 201:
            return
        try:
            created = exchange.json()
        except ValueError:
            return
        if isinstance(created, dict) and isinstance(created.get("id"), int):
            ids.append(created["id"])

    def clean_up(self) -> list[str]:
        """Cancel orders, then delete products; return what could not be removed."""
        if not (self.created_orders or self.created_products) or self.token is None:
            return []
        api, failures = self.api, []
        for path in [f"/orders/{i}" for i in reversed(self.created_orders)] + [
            f"/products/{i}" for i in reversed(self.created_products)
        ]:
            try:
                answer = api.delete(path)
            except ApiClientError as err:
                failures.append(str(err))
                continue
            if answer.status not in (204, 404):
                failures.append(answer.describe())
        return failures


def expect_status(exchange: Exchange, *expected: int) -> None:
    """Assert the status, saying what came back (the problem ``detail`` when there is one)."""
    __tracebackhide__ = True
    if exchange.status in expected:
        return
    detail = ""
    if "json" in exchange.content_type:
        try:
            body = exchange.json()
            if isinstance(body, dict) and isinstance(body.get("detail"), str):
                detail = f": {body['detail']}"
        except ValueError:
            pass
    wanted = " or ".join(str(s) for s in expected)
    tries = ""
    if exchange.retried:
        tries = f" (after {len(exchange.attempts)} attempts: "
        tries += ", ".join(a.outcome for a in exchange.attempts) + ")"
    raise AssertionError(f"{exchange.describe()}, expected {wanted}{detail}{tries}")


def expect_created(exchange: Exchange, model: type[M]) -> tuple[M, dict[str, Any]]:
    """Assert 201 and a body matching ``model``; return it with the JSON that was sent."""
    __tracebackhide__ = True
    expect_status(exchange, 201)
    created = parse(model, exchange.body, where=exchange.describe())
    return created, json.loads(exchange.request_body or b"{}")


def expect_problem(exchange: Exchange, status: int) -> Problem:
    """Assert ``status`` with an RFC 9457 problem body that agrees with it."""
    __tracebackhide__ = True
    expect_status(exchange, status)
    problem = parse(Problem, exchange.body, where=exchange.describe())
    assert problem.status == status, f"{exchange.describe()}: problem says status {problem.status}"
    return problem


@pytest.fixture
def shop(
    request: pytest.FixtureRequest, api_client: ApiClient, api_settings: ApiSettings
) -> Iterator[ScenarioContext]:
    """The scenario's context; cleans up what the scenario created."""
    context = ScenarioContext(api_client, api_settings, run_id=secrets.token_hex(2))
    yield context
    if not get_option(request.config, "keep_data"):
        failures = context.clean_up()
        if failures:
            request.node.warn(
                pytest.PytestWarning(f"api-bdd: clean-up left data behind: {'; '.join(failures)}")
            )
