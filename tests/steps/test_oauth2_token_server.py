"""An API described by OpenAPI and guarded by OAuth2 client credentials, with the token server
on another port: its mistakes found before any scenario, its failures named as the token
server's, and its requests kept out of the API's operation coverage.

Two loopback stub servers: the API (``GET /things`` with a bearer token) and the token server
(``POST /oauth/token``).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.stub_server import Stub, StubHandler, stub_server

TOKEN = "tok-0123456789-abcdefghij"

THINGS_YAML = """\
openapi: 3.1.0
info: {title: things, version: "1"}
paths:
  /things:
    get:
      responses:
        200:
          description: the things
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        401: {description: not signed in}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties: {id: {type: integer}}
"""

PROFILE = """
[tool.pytest.ini_options]
pythonpath = ["{root}"]
addopts = ["--strict-markers", "-p", "no:cacheprovider"]

[tool.api-bdd.profiles.things]
base_url = "{api}"
features = ["features/things"]
openapi = "things.yaml"
auth = {{ scheme = "oauth2-client-credentials", token_url = "{token_url}" }}
"""

SIGNED_IN = """
Feature: Things
  Scenario: {name}
    Given I am signed in
    When I GET /things
    Then the response status is 200
    And the response JSON at [0] matches the "Thing" model
"""


@pytest.fixture
def api() -> Iterator[Stub]:
    with stub_server() as stub:

        @stub.route("/things")
        def things(handler: StubHandler) -> None:
            signed_in = handler.headers.get("Authorization") == f"Bearer {TOKEN}"
            handler.reply(200 if signed_in else 401, b'[{"id": 1}]' if signed_in else b"{}")

        yield stub


@pytest.fixture
def token_server() -> Iterator[Stub]:
    with stub_server() as stub:
        yield stub


def _grant(handler: StubHandler) -> None:
    if "Authorization" not in handler.headers:  # the pre-flight's empty POST
        handler.reply(400, b'{"error": "invalid_request"}')
        return
    answer = {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600}
    handler.reply(200, json.dumps(answer).encode())


def _project(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    api: Stub,
    token_url: str,
    scenarios: int = 1,
) -> pytest.Pytester:
    monkeypatch.setenv("API_CLIENT_ID", "things-app")
    monkeypatch.setenv("API_CLIENT_SECRET", "client-secret-0123456789")
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "pyproject.toml").write_text(
        PROFILE.format(root=ROOT, api=api.url, token_url=token_url)
    )
    (pytester.path / "things.yaml").write_text(THINGS_YAML)
    folder = pytester.path / "features" / "things"
    folder.mkdir(parents=True)
    for number in range(scenarios):
        text = SIGNED_IN.format(name=f"Signed in, {number}")
        (folder / f"things_{number}.feature").write_text(textwrap.dedent(text).lstrip())
    return pytester


def _signed_grants(token_server: Stub) -> int:
    return sum("Authorization" in seen.headers for seen in token_server.state.seen)


def test_the_token_request_to_another_server_is_not_an_answer_of_the_api(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api: Stub, token_server: Stub
) -> None:
    token_server.route("/oauth/token")(_grant)
    project = _project(pytester, monkeypatch, api, f"{token_server.url}/oauth/token")
    result = project.runpytest_subprocess("--living-docs-markdown", "summary.md")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["api-bdd: operation coverage: 1 of 2 operation responses*"])
    assert "oauth/token" not in (project.path / "summary.md").read_text().split("overage")[-1]


def test_a_token_url_where_nothing_answers_is_one_line_before_any_scenario(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api: Stub
) -> None:
    project = _project(pytester, monkeypatch, api, "http://127.0.0.1:9/oauth/token")
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: api-bdd: profile things: the profile's token_url"
            " http://127.0.0.1:9/oauth/token does not answer (connection refused)"
        ]
    )
    assert len([line for line in result.stderr.lines if line.strip()]) == 1
    assert api.state.seen == []


def test_a_token_url_answering_404_is_one_line_before_any_scenario(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api: Stub, token_server: Stub
) -> None:
    token_server.route("/oauth/token")(_grant)
    wrong = f"{token_server.url}/oauth/tokens"
    project = _project(pytester, monkeypatch, api, wrong)
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: api-bdd: profile things: the profile's token_url {wrong} answered 404:"
            " no token endpoint there (check its path)"
        ]
    )
    assert _signed_grants(token_server) == 0  # the check sent no credential


def test_a_refused_sign_in_is_one_line_naming_token_url_and_is_asked_once(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api: Stub, token_server: Stub
) -> None:
    @token_server.route("/oauth/token")
    def refuse(handler: StubHandler) -> None:
        handler.reply(401, b'{"error": "invalid_client"}')

    url = f"{token_server.url}/oauth/token"
    project = _project(pytester, monkeypatch, api, url, scenarios=3)
    result = project.runpytest_subprocess()
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [f"AuthError: sign-in failed: the profile's token_url {url} answered 401, expected 200"]
    )
    assert "AuthError: ***" not in result.stdout.str()
    summary = [line for line in result.stdout.lines if line.startswith("api-bdd: sign-in")]
    assert summary == [  # the run says it once, with how many scenarios it failed
        f"api-bdd: sign-in failed: the profile's token_url {url} answered 401, expected 200"
        " (3 scenarios)"
    ]
    assert _signed_grants(token_server) == 1  # not once per scenario
    assert api.state.seen == []


def test_a_token_server_that_stops_answering_is_not_the_api_looking_down(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, api: Stub, token_server: Stub
) -> None:
    @token_server.route("/oauth/token")
    def hang_up(handler: StubHandler) -> None:
        if "Authorization" not in handler.headers:  # the pre-flight's check still passes
            handler.reply(400, b'{"error": "invalid_request"}')
        else:
            handler.close_connection = True  # no answer at all

    url = f"{token_server.url}/oauth/token"
    project = _project(pytester, monkeypatch, api, url)
    result = project.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"AuthError: sign-in failed: the profile's token_url {url} does not answer (*)"]
    )
    assert "looks down" not in result.stdout.str()
