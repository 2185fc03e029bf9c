"""Steps that push secrets through every channel: assertions, prints, logs, errors, URLs,
outcome messages, JUnit properties, interruptions, a camelCase answer, a redirect, a token
seen only under its name in a plain-text answer, a body cut at 16 KiB in the middle of a
secret and ``http.client``'s debug output."""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import warnings
from typing import Any

import pytest
from pydantic import BaseModel
from pytest_bdd import then, when

from models import ContractError, parse
from steps import Context
from tests.suites.shop.models.shop import Product

log = logging.getLogger("canary")


class Strict(BaseModel):
    count: int


@when("I fetch my account with my API key in the query")
def fetch_with_key_in_query(ctx: Context) -> None:
    ctx.send("GET", "/users/me", params={"api_key": os.environ["API_KEY"], "page": "1"})


@then("the request headers are empty")
def request_headers_empty(ctx: Context) -> None:
    headers = dict(ctx.last.request_headers)
    assert headers == {}


@then("the sign-in request body is empty")
def sign_in_body_empty(ctx: Context) -> None:
    body = ctx.last.request_body
    assert body == b""


@when("I print and log everything I know")
def print_and_log(ctx: Context, secret: Any) -> None:
    password, token, key = (os.environ[n] for n in ("API_PASSWORD", "API_TOKEN", "API_KEY"))
    lines = (os.environ["CANARY_PEM_1"], os.environ["CANARY_PEM_2"])
    pem = "\n".join(["-----BEGIN PRIVATE KEY-----", *lines, "-----END PRIVATE KEY-----"])
    secret(pem, "a private key")
    print("password:", password, "token:", token, "key:", key)
    print(pem)
    print("one line of it:", os.environ["CANARY_PEM_2"])
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    log.debug("debug: password %s", password)
    ctx.send("GET", "/products", params={"api_key": key, "token": token})
    http.client.HTTPConnection.debuglevel = 1  # prints every header it sends to stdout
    try:
        ctx.send("GET", "/products", headers={"X-API-Key": key})
    finally:
        http.client.HTTPConnection.debuglevel = 0
    log.info("headers sent: %s", ctx.last.request_headers)
    log.warning("a URL: %s", f"{ctx.client.base_url}/x?token={token}")
    warnings.warn(f"the key {key} is deprecated", DeprecationWarning, stacklevel=1)
    try:
        raise RuntimeError(f"boom while holding {password}")
    except RuntimeError:
        log.exception("an error with a traceback")


@when("I call a URL with credentials in it")
def call_url_with_credentials(ctx: Context) -> None:
    password, token = os.environ["API_PASSWORD"], os.environ["API_TOKEN"]
    ctx.anonymous()
    ctx.send("GET", f"http://canary:{password}@127.0.0.1:9/x?token={token}")


@when("a response carrying secrets breaks its contract")
def contract_broken(ctx: Context) -> None:
    password = os.environ["API_PASSWORD"]
    try:
        parse(
            Product, json.dumps({"id": 1, "name": password, "price": password, "extra": password})
        )
    except ContractError as err:
        print(f"contract: {err}")
    Strict.model_validate({"count": password})  # pydantic's own error echoes the input


@when("I send a Basic credential")
def send_basic_credential(ctx: Context) -> None:
    pair = f"canary-user:{os.environ['API_PASSWORD']}".encode()
    header = "Basic " + base64.b64encode(pair).decode()
    ctx.anonymous()
    ctx.send("GET", "/users/me", headers={"Authorization": header})
    print("sent", header)


@then("a long value holding the password matches")
def long_value_matches() -> None:
    value = "x" * 60 + os.environ["API_PASSWORD"] + "y" * 60
    assert [value] == ["z"]


@then("I give up naming my token")
def give_up_naming_token() -> None:
    pytest.xfail(f"the token {os.environ['API_TOKEN']} is not accepted yet")


@then("I skip naming my API key")
def skip_naming_key() -> None:
    pytest.skip(f"the key {os.environ['API_KEY']} has no quota left")


@then("I record the sign-in for the JUnit report")
def record_sign_in(ctx: Context, record_property: Any, record_testsuite_property: Any) -> None:
    record_property("sign-in request", ctx.last.request_body)  # bytes: JUnit writes str()
    record_testsuite_property("sign-in form", (ctx.last.request_body or b"").decode())


@when("I sign in to a service that answers in camelCase")
def sign_in_camel_case(ctx: Context) -> None:
    ctx.anonymous()
    ctx.send("GET", f"{os.environ['CANARY_SERVICE']}/session")


@then("the issued token is empty")
def issued_token_empty(ctx: Context) -> None:
    token = ctx.last.json()["data"]["accessToken"]
    print("issued:", token)
    assert token == ""


@when("I sign in at an address that moved to another origin")
def sign_in_moved(ctx: Context) -> None:
    form = {"username": os.environ["API_USERNAME"], "password": os.environ["API_PASSWORD"]}
    ctx.anonymous()
    ctx.send("POST", f"{os.environ['CANARY_SERVICE']}/auth/token", data=form)


@when("the run is interrupted while I hold my password")
def interrupted_holding_password() -> None:
    hold(os.environ["API_PASSWORD"])


def hold(password: str) -> None:
    raise KeyboardInterrupt(f"interrupted holding {password}")  # as Ctrl-C would, mid-step


@when("a step stops the run naming my token")
def stop_naming_token() -> None:
    pytest.exit(f"stopped: the token {os.environ['API_TOKEN']} expired")


@when("I fetch a session from a service that answers in plain text")
def fetch_plain_text_session(ctx: Context) -> None:
    ctx.anonymous()
    ctx.send("GET", f"{os.environ['CANARY_SERVICE']}/plain-session")


@then("the plain-text answer holds no session token")
def plain_text_answer_empty(ctx: Context) -> None:
    token = ctx.last.text.partition("=")[2]
    print("the token alone:", token)  # without its name, before the assertion shows it
    held = [token[:24]]  # a cut-down repr of it, also without its name
    assert ctx.last.text == "", held


@when("I download an export with the password at its cut")
def download_export(ctx: Context) -> None:
    ctx.anonymous()
    ctx.send("GET", f"{os.environ['CANARY_SERVICE']}/export")


@then("the export is empty")
def export_empty(ctx: Context) -> None:
    assert len(ctx.last.text) == 0
