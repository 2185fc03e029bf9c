"""Session cookies belong to the scenario: each starts with an empty jar, ``I am anonymous``
sends no cookie received earlier, and a cookie the API set is masked in every report like a
token. Against httpbin on loopback (``/cookies/set`` sets a cookie and redirects to
``/cookies``, which echoes the cookies it received)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.steps.test_any_api import echo, write  # noqa: F401  (echo is a fixture)

COOKIES = """
Feature: Cookies
  Scenario: A cookie the API set is sent back within the scenario
    When I GET /cookies/set?flavour={value}
    Then the response status is 200
    And the response JSON at cookies.flavour is present
    When I GET /cookies
    Then the response JSON at cookies.flavour is present

  Scenario: The next scenario starts with an empty jar
    When I GET /cookies
    Then the response JSON at cookies.flavour is absent

  Scenario: I am anonymous sends no cookie received earlier
    When I GET /cookies/set?flavour={value}
    Given I am anonymous
    When I GET /cookies
    Then the response JSON at cookies.flavour is absent
"""


@pytest.fixture
def value() -> str:
    return f"sess-{secrets.token_hex(12)}"


def test_each_scenario_starts_with_an_empty_cookie_jar_and_anonymous_forgets_cookies(
    echo: pytest.Pytester,  # noqa: F811
    value: str,
) -> None:
    write(echo, "cookies.feature", COOKIES.format(value=value))
    result = echo.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=3)


def test_a_cookie_the_api_set_is_masked_in_every_report(
    echo: pytest.Pytester,  # noqa: F811
    value: str,
) -> None:
    first = COOKIES.split("\n\n  Scenario: The next")[0]
    write(echo, "cookies.feature", first.format(value=value))
    result = echo.runpytest_subprocess("-p", "no:randomly", "-rA", "--junitxml=reports/junit.xml")
    assert result.ret == 0
    written = [p for p in Path(echo.path / "reports").rglob("*") if p.is_file()]
    assert any(p.name == "living-docs.html" for p in written)
    for path in written:
        assert value not in path.read_text(errors="replace"), path.name
    assert value not in result.stdout.str()
