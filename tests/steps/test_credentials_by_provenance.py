"""Through a profile: an API key in a header of any name goes to the base URL's origin, and to
another origin only when the profile lists it in ``trusted_origins``."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.stub_server import Stub, StubHandler, stub_server

KEY = "functions-key-abcdef0123456789"

PROFILE = """
[tool.pytest.ini_options]
pythonpath = ["{root}"]
addopts = ["-p", "no:cacheprovider"]

[tool.api-bdd]
default = "functions"
[tool.api-bdd.profiles.functions]
base_url = "{base}"
features = ["features"]
auth = {{ scheme = "api-key", header = "X-Functions-Key", key_env = "FUNCTIONS_KEY" }}
{extra}
"""

FEATURE = """
Feature: Keys
  Scenario: The key goes where the profile says
    Given I am signed in
    When I GET {base}/start
    Then the response status is 200
    When I GET {other}/landing
    Then the response status is 200
"""


def ok(h: StubHandler) -> None:
    h.reply(200, b"{}")


@pytest.fixture
def servers() -> Iterator[tuple[Stub, Stub]]:
    with stub_server() as api, stub_server() as other:
        api.route("/start")(lambda h: h.reply(302, b"", {"Location": f"{other.url}/landing"}))
        other.route("/landing")(ok)
        yield api, other


def run(pytester: pytest.Pytester, api: Stub, other: Stub, extra: str) -> None:
    pytester.makefile(".toml", pyproject=PROFILE.format(root=ROOT, base=api.url, extra=extra))
    (pytester.path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    (pytester.path / "features").mkdir()
    feature = textwrap.dedent(FEATURE.format(base=api.url, other=other.url))
    (pytester.path / "features" / "keys.feature").write_text(feature)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def keys_seen(server: Stub) -> list[str]:
    return [seen.headers.get("X-Functions-Key", "") for seen in server.state.seen]


def test_a_custom_key_header_reaches_only_the_profile_origin(
    pytester: pytest.Pytester, servers: tuple[Stub, Stub], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, other = servers
    monkeypatch.setenv("FUNCTIONS_KEY", KEY)
    run(pytester, api, other, extra="")
    assert keys_seen(api) == [KEY]
    assert keys_seen(other) == ["", ""]  # the redirect's target, and the absolute URL


def test_a_trusted_origin_listed_in_the_profile_receives_the_key(
    pytester: pytest.Pytester, servers: tuple[Stub, Stub], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, other = servers
    monkeypatch.setenv("FUNCTIONS_KEY", KEY)
    run(pytester, api, other, extra=f'trusted_origins = ["{other.url}"]')
    assert keys_seen(other) == [KEY, KEY]
