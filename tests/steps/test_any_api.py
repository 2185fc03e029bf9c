"""Testing an API nobody here wrote, with a profile and .feature files only (no Python)."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from tests.conftest import ROOT
from tests.reporting.test_living_docs import embedded_data, scenarios

PROFILE = """
[tool.pytest.ini_options]
pythonpath = ["{root}"]
addopts = ["--strict-markers", "-p", "no:cacheprovider"]

[tool.api-bdd]
default = "echo"
[tool.api-bdd.profiles.echo]
base_url = "embedded:httpbin"
features = ["features/echo"]
variables = {{ greeting = "hello" }}
"""

PASSING = """
@smoke
Feature: Echo
  Scenario: JSON, variables and a fuzzy match
    Given the variable n is 2
    When I POST /anything with JSON:
      \"\"\"
      {"n": "${n}", "greeting": "${greeting} world"}
      \"\"\"
    Then the response status is 200
    And the response JSON at json.n is 2
    And the response JSON at json contains:
      \"\"\"
      {"greeting": "#regex hello .*"}
      \"\"\"
"""


@pytest.fixture
def echo(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project whose one profile is httpbin on loopback, with no credentials at all."""
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "pyproject.toml").write_text(PROFILE.format(root=ROOT))
    (pytester.path / "features" / "echo").mkdir(parents=True)
    return pytester


def write(project: pytest.Pytester, name: str, text: str) -> None:
    (project.path / "features" / "echo" / name).write_text(textwrap.dedent(text).lstrip())


def test_a_feature_in_the_profile_folder_runs_with_no_python_and_no_credentials(
    echo: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("API_USERNAME", "API_PASSWORD", "API_TOKEN", "API_KEY"):
        monkeypatch.delenv(name, raising=False)
    write(echo, "echo.feature", PASSING)
    result = echo.runpytest_subprocess("-m", "smoke")
    result.assert_outcomes(passed=1)


def test_a_marker_expression_naming_an_unused_tag_is_an_error(echo: pytest.Pytester) -> None:
    write(echo, "echo.feature", PASSING)
    result = echo.runpytest_subprocess("-m", "smoke and not slwo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: api-bdd: -m 'smoke and not slwo': no feature uses the tag slwo*"]
    )


def test_check_features_lists_every_mistake_in_one_line_each_and_sends_nothing(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "mistakes.feature",
        """
        Feature: Mistakes
          Scenario: Three kinds of mistake
            When I GET /json
            Then the respons status is 200
            And the response matches the "Slideshow" model
            When I POST /anything with JSON:
              \"\"\"
              {"a": 1,}
              \"\"\"
            And I GET /anything/${never_set}
        """,
    )
    # a base URL nobody listens on: any request would fail loudly
    result = echo.runpytest_subprocess("--check-features", "--base-url", "http://127.0.0.1:9")
    assert result.ret == 1
    lines = [line for line in result.stdout.lines if line.startswith("features/")]
    assert lines == [
        "features/echo/mistakes.feature:4: undefined step: 'Then the respons status is 200';"
        " did you mean: the response status is {status:d}" + lines[0].split("{status:d}", 1)[1],
        "features/echo/mistakes.feature:5: 'And the response matches the \"Slideshow\" model':"
        " unknown model 'Slideshow': the profile has no models (name an OpenAPI document with"
        " 'openapi', a JSON Schema file with 'json_schema', or a module with 'models')",
        "features/echo/mistakes.feature:6: 'When I POST /anything with JSON:': the doc string is"
        " not valid JSON at line 8, column 15 of the file: Expecting property name enclosed in"
        " double quotes",
        "features/echo/mistakes.feature:10: variable ${never_set} is used before any step sets it",
    ]
    result.stdout.fnmatch_lines(["api-bdd: --check-features: 4 problems found"])
    assert "passed" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "Feature: Twins\n  Scenario: Same\n    When I GET /json\n"
            "  Scenario: Same\n    When I GET /uuid\n",
            "features/echo/bad.feature:4: scenario 'Same' has the name of the one at line 2"
            " (features/echo/bad.feature:2): give each scenario its own name",
        ),
        (
            "Feature: Outline\n  Scenario Outline: No rows\n    When I GET /status/<code>\n",
            "features/echo/bad.feature:2: Scenario Outline 'No rows' has no Examples table",
        ),
        (
            "Feature: Bytes\n  Scenario: Latin-1\n    When I GET /caf\xe9\n",
            "features/echo/bad.feature:3: not UTF-8: byte 0xe9 at offset 54",
        ),
        (
            "\ufeffFeature: BOM\n  Scenario: s\n    When I GET /json\n",
            "features/echo/bad.feature:1: starts with a byte-order mark (BOM): save it as UTF-8"
            " without one",
        ),
    ],
)
def test_a_broken_feature_file_stops_the_run_in_one_line(
    echo: pytest.Pytester, content: str, problem: str
) -> None:
    encoded = content.encode("utf-8" if content.startswith("\ufeff") else "latin-1")
    (echo.path / "features" / "echo" / "bad.feature").write_bytes(encoded)
    result = echo.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[:2] == ["ERROR: feature file problems", problem]
    assert "Traceback" not in result.stderr.str()


def test_non_json_answers_and_failing_polls_say_what_came_back(echo: pytest.Pytester) -> None:
    write(
        echo,
        "odd.feature",
        """
        Feature: Odd answers
          Scenario: HTML where JSON was expected
            When I GET /html
            Then the response JSON at title is "x"

          Scenario: A poll that meets its failure condition stops at once
            When I poll GET /status/500 for up to 30 seconds:
              | until   | the response status is 200 |
              | fail if | the response status is 500 |
        """,
    )
    result = echo.runpytest_subprocess("--retries", "0")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            'features/echo/odd.feature:4  Then the response JSON at title is "x"',
            "AssertionError: GET http://127.0.0.1:*/html -> 200: expected a JSON body,"
            " got a text/html; charset=utf-8 body of * bytes",
            "features/echo/odd.feature:7  When I poll GET /status/500 for up to 30 seconds:",
            "AssertionError: GET http://127.0.0.1:*/status/500 -> 500: the response status is 500"
            " (after 1 tries)",
        ]
    )


def test_clean_ups_run_last_in_first_out_even_when_the_scenario_fails(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "cleanup.feature",
        """
        Feature: Clean-up
          Scenario: Two things made, then a failure
            When to clean up, I DELETE /anything/first
            And to clean up, I DELETE /anything/second
            Then the response status is 200
        """,
    )
    living = echo.path / "docs.html"
    result = echo.runpytest_subprocess("--living-docs", str(living))
    result.assert_outcomes(failed=1)
    (record,) = scenarios(embedded_data(living.read_text())).values()
    undone = [exchange["url"].rsplit("/", 1)[1] for exchange in record["after"]]
    assert undone == ["second", "first"]


def test_an_expected_transient_status_is_seen_once_and_spends_no_retry_budget(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "transient.feature",
        """
        Feature: Expected transient answers
          Scenario: A check that expects 503 makes its request go once
            When I GET /status/503
            Then the response status is 503

          @no-retry
          Scenario: A tagged scenario sends everything once
            When I GET /status/502
            Then the response status is one of 200, 502

          Scenario: Whatever its keyword, a request before such a check goes once
            Given I GET /status/429
            Then the response status is 429

          Scenario: A request not followed by such a check is retried
            When I GET /status/503
            Then the response status is one of 503
            When I GET /status/504
            And I GET /get
            Then the response status is 200
        """,
    )
    living = echo.path / "docs.html"
    result = echo.runpytest_subprocess("--living-docs", str(living))
    result.assert_outcomes(passed=4)
    records = scenarios(embedded_data(living.read_text()))

    def attempts(name: str) -> list[int]:
        steps = records[name]["steps"]
        return [len(e["attempts"]) for s in steps for e in s["exchanges"]]

    assert attempts("A check that expects 503 makes its request go once") == [1]
    assert attempts("A tagged scenario sends everything once") == [1]
    assert attempts("Whatever its keyword, a request before such a check goes once") == [1]
    # "one of 503" is a check too; the bare GET of /status/504 before another request is not
    assert attempts("A request not followed by such a check is retried") == [1, 5, 1]


def test_the_tags_of_a_feature_are_read_from_its_tag_lines() -> None:
    from steps.collect import tags_of

    text = "@billing @smoke\nFeature: f\n  @slow # not @this\n  Scenario: s @not-a-tag\n"
    assert tags_of(text) == {"billing", "smoke", "slow"}


def test_a_credential_never_reaches_the_debug_trace(echo: pytest.Pytester) -> None:
    pyproject = (echo.path / "pyproject.toml").read_text()
    (echo.path / "pyproject.toml").write_text(
        pyproject + 'auth = { scheme = "basic", username_env = "HTTPBIN_USER",'
        ' password_env = "HTTPBIN_PASSWORD" }\n'
    )
    write(
        echo,
        "basic.feature",
        """
        Feature: Basic
          Scenario: Signed in with the embedded API's generated password
            Given I am signed in
            When I GET /basic-auth/demo-user/${secret(HTTPBIN_PASSWORD)}
            Then the response JSON at authenticated is true
        """,
    )
    result = echo.runpytest_subprocess("--debug")
    result.assert_outcomes(passed=1)
    lines = (echo.path / "pytestdebug.log").read_text().splitlines()
    handed = [
        lines[i + 1].strip()
        for i, line in enumerate(lines)
        if "pytest_api_bdd_secret [hook]" in line
    ]
    assert handed, "the secret hook was called"
    assert set(handed) == {"value: **********"}


@pytest.mark.parametrize(
    "content",
    ["", "# just a comment\n", "Feature: Coming soon\n  Nothing to run yet.\n"],
    ids=["empty", "comment", "no-scenarios"],
)
def test_a_feature_file_with_nothing_to_run_runs_nothing_quietly(
    echo: pytest.Pytester, content: str
) -> None:
    write(echo, "echo.feature", PASSING)
    (echo.path / "features" / "echo" / "later.feature").write_text(content)
    result = echo.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        (
            'base_url = "embedded:nosuch"',
            "*profile echo: no plugin starts the embedded API 'nosuch'*",
        ),
        (
            'features = ["features/missing"]',
            "*its feature folder 'features/missing' does not exist*",
        ),
    ],
)
def test_a_profile_that_cannot_run_is_one_line_before_any_test(
    echo: pytest.Pytester, addition: str, expected: str
) -> None:
    text = (echo.path / "pyproject.toml").read_text()
    key = addition.split(" =")[0]
    lines = [line for line in text.splitlines() if not line.startswith(f"{key} =")]
    (echo.path / "pyproject.toml").write_text("\n".join([*lines, addition, ""]))
    result = echo.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: api-bdd: {expected}"])
    assert len([line for line in result.stderr.lines if line.strip()]) == 1


def test_the_profile_tables_of_an_api_bdd_toml_file_may_be_written_as_in_pyproject(
    echo: pytest.Pytester,
) -> None:
    text = (echo.path / "pyproject.toml").read_text()
    tables = text[text.index("[tool.api-bdd]") :]
    (echo.path / "pyproject.toml").write_text(text[: text.index("[tool.api-bdd]")])
    (echo.path / "api-bdd.toml").write_text(tables)
    write(echo, "echo.feature", PASSING)
    result = echo.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["api-bdd: profile echo (embedded httpbin; auth none)"])


def test_a_poll_pace_that_is_not_a_number_is_found_before_any_request(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "pace.feature",
        """
        Feature: Pace
          Scenario: Too fast to say
            When I poll GET /get for up to 5 seconds:
              | until | the response status is 200 |
              | every | fast                       |
        """,
    )
    result = echo.runpytest_subprocess("--check-features")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "features/echo/pace.feature:3: 'When I poll GET /get for up to 5 seconds:':"
            " every 'fast': expected seconds, e.g. '2 seconds' or '0.5'"
        ]
    )


def test_a_project_without_a_profile_asks_for_one_or_a_base_url(echo: pytest.Pytester) -> None:
    text = (echo.path / "pyproject.toml").read_text()
    (echo.path / "pyproject.toml").write_text(text[: text.index("[tool.api-bdd]")])
    (echo.path / "features" / "a.feature").write_text(PASSING)
    result = echo.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0].startswith(
        "ERROR: api-bdd: no API profile: add [tool.api-bdd.profiles.NAME] to pyproject.toml"
    )
