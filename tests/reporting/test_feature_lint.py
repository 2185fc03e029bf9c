"""Secret-looking values in feature files fail collection, with file:line."""

from __future__ import annotations

import pytest

from reporting.feature_lint import Judge, find_secrets, lint_feature, looks_random, why_secret
from tests.conftest import feature

CLEAN = """\
Feature: Clean
  Scenario Outline: Totals
    Given I am signed in
    When I order <quantity> of the product
    Then the order total is <total>

    Examples:
      | quantity | total |
      | 1        | 29.99 |

  Scenario: Doc string
    When I send
      \"\"\"json
      {"name": "Desk lamp", "price": "29.99", "token_type": "bearer"}
      \"\"\"
"""


def test_a_clean_feature_has_no_findings() -> None:
    assert lint_feature(CLEAN) == []


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (
            "Feature: f\n  Scenario Outline: s\n    Given x <password>\n    Examples:\n"
            "      | user | password |\n      | bob  | hunter2  |\n",
            6,
            "a value in the 'password' column of a table",
        ),
        (
            'Feature: f\n  Scenario: s\n    Given x\n      """\n'
            '      Authorization: Bearer 9f8e7d6c5b4a\n      """\n',
            5,
            "secret-looking value in a doc string: it has the shape of a credential",
        ),
        (
            "Feature: f\n  Scenario: s\n    Given I use the key sk_live_51HabcdefGHIJ\n",
            3,
            "secret-looking value in a step: it has the shape of a credential",
        ),
        (
            "Feature: f\n  Scenario: s\n    Given x\n      | id | note |\n"
            "      | 1  | Zq8XvN2mK7pR4tW9yB3cF6hJ |\n",
            5,
            "secret-looking value in a table: it looks like a generated key or token",
        ),
    ],
    ids=["secret-column", "bearer-docstring", "key-prefix", "random-string"],
)
def test_secret_looking_values_are_found(text: str, line: int, problem: str) -> None:
    assert lint_feature(text) == [(line, problem)]


def test_a_known_secret_value_is_named_by_variable() -> None:
    text = "Feature: f\n  Scenario: s\n    Given I sign in as bob with correct-horse-9\n"
    assert lint_feature(text, [("API_PASSWORD", "correct-horse-9")]) == [
        (3, "secret-looking value in a step: it contains the value of API_PASSWORD")
    ]


def test_a_known_secret_shorter_than_the_masking_floor_does_not_drive_the_lint() -> None:
    text = "Feature: f\n  Scenario: s\n    Then the stock is short\n"
    assert lint_feature(text, [("API_TOKEN", "short"), ("API_KEY", "e stock")]) == []


def test_names_that_only_look_like_credentials_are_not_secret_columns() -> None:
    text = (
        "Feature: f\n  Scenario Outline: s\n    Given x\n    Examples:\n"
        "      | key | author | authenticated |\n"
        "      | id  | Ann    | true          |\n"
    )
    assert lint_feature(text) == []


def test_placeholders_under_a_secret_column_are_fine() -> None:
    text = (
        "Feature: f\n  Scenario Outline: s\n    Given x\n    Examples:\n"
        "      | user | password        |\n"
        "      | bob  | ${API_PASSWORD} |\n"
        "      | eve  | <pw>            |\n"
    )
    assert lint_feature(text) == []


def test_looks_random_needs_length_mix_and_entropy() -> None:
    assert looks_random("Zq8XvN2mK7pR4tW9yB3cF6hJ")
    assert not looks_random("550e8400-e29b-41d4-a716-446655440000")  # no upper case
    assert not looks_random("AaaaaaaaaaaaaaaaaaaaaaaaaaaA1")  # low entropy
    assert why_secret("Desk lamp 29.99 with 100 in stock") is None


def test_the_repository_features_are_clean(pytester: pytest.Pytester) -> None:
    from tests.conftest import ROOT

    for path in (ROOT / "features").rglob("*.feature"):
        assert lint_feature(path.read_text()) == [], path


def test_collection_stops_naming_file_and_line(project: pytest.Pytester) -> None:
    feature(
        project,
        "Feature: Tokens\n  Scenario Outline: s\n    Given I am signed in\n    Examples:\n"
        "      | name | token |\n      | a    | eyJhbGciOi.eyJzdWIiOi.c2ln |\n",
    )
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: secret-looking value in a feature file (example values become test ids*",
            "features/shop.feature:6: a value in the 'token' column of a table",
        ]
    )
    assert "eyJhbGciOi" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    "line",
    [
        '{"password": "${secret(HTTPBIN_PASSWORD)}"}',
        '{"api_key": "${env(X)}"}',
        '{"token": "${tok}"}',
        '{"data": {"session": {"accessToken": "${env(X)}"}}}',
    ],
)
def test_a_secret_taken_from_a_variable_is_not_a_secret_in_the_feature(line: str) -> None:
    text = "Feature: f\n  Scenario: s\n    When I POST /x with JSON:\n"
    text += f'      """\n      {line}\n      """\n'
    assert lint_feature(text) == []


def test_a_literal_secret_beside_a_reference_is_still_found() -> None:
    text = 'Feature: f\n  Scenario: s\n    When I POST /x with JSON:\n      """\n'
    text += '      {"user": "${user}", "password": "hunter2-is-my-password"}\n      """\n'
    assert lint_feature(text) == [
        (5, "secret-looking value in a doc string: it has the shape of a credential")
    ]


@pytest.mark.parametrize(
    "step",
    [
        "Given the header Authorization: Bearer 9f8e7d6c5b4a3",
        'Given the body {"api_key": "live-7a6b5c4d3e"}',
        "Given I open https://bob:hunter22@example.com/x",
        "Given I GET /orders?access_token=abcdef123456",
        "Given the token eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl",
        "Given I use the key ghp_abcdefghijklmnop",
        "Given password=hunter22 ${user}",
    ],
)
def test_a_credential_shape_is_found_on_its_line_in_a_long_clean_file(step: str) -> None:
    """The shape rules skip text with none of the characters or words they need (most lines
    of a feature): a line with a credential's shape among clean ones is still found."""
    text = CLEAN + "\n  Scenario: one shaped line\n    " + step + "\n" + CLEAN.split("\n", 1)[1]
    line = text.splitlines().index("    " + step) + 1
    assert lint_feature(text) == [
        (line, "secret-looking value in a step: it has the shape of a credential")
    ]


def test_one_judge_for_every_file_finds_a_repeated_secret_in_each_file_and_line() -> None:
    """The lint remembers its answer for each value it judged (the files of a run repeat their
    lines): a secret-looking line written in two files, twice in each, is found four times."""
    text = (
        "Feature: F\n"
        "  Scenario: S\n"
        '    Given the header "Authorization" is "Bearer abcdefghijklmnopqrstuvwxyz123456"\n'
        '    Given the header "Authorization" is "Bearer abcdefghijklmnopqrstuvwxyz123456"\n'
    )
    judge = Judge()
    found = [find_secrets(text, judge=judge), find_secrets(text, judge=judge)]
    assert [[f.line for f in one] for one in found] == [[3, 4], [3, 4]]
    assert all("shape of a credential" in f.problem for one in found for f in one)
    assert find_secrets(text.replace("Bearer abc", "plain abc")) == []
