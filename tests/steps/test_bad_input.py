"""Bad input is one line, found before anything is sent (issue 15, items 16-19)."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from client.auth import Authenticator
from client.profiles import ApiKeyAuth
from models.openapi import DocumentError, check_document
from reporting.feature_lint import Finding, find_secrets, lint_feature
from reporting.paths import why_unwritable

VALID: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
}


def _with_profile_key(project: pytest.Pytester, line: str) -> None:
    pyproject = project.path / "pyproject.toml"
    text = pyproject.read_text()
    models = 'models = "tests.suites.shop.models.shop"'
    pyproject.write_text(text.replace(models, f"{models}\n{line}"))


def _health(project: pytest.Pytester, name: str = "health.feature") -> None:
    (project.path / "features" / name).write_text(
        "Feature: Health\n  Scenario: Up\n    When I GET /health\n"
        "    Then the response status is 200\n"
    )


# -- 16: an OpenAPI document that is not valid OpenAPI ------------------------------------------
def test_an_openapi_document_that_is_not_valid_openapi_is_one_error_line_naming_the_file(
    project: pytest.Pytester,
) -> None:
    document = {**VALID, "info": {"title": "no version"}}
    (project.path / "broken.openapi.json").write_text(json.dumps(document))
    _with_profile_key(project, 'openapi = "broken.openapi.json"')
    _health(project)
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.lines + result.stderr.lines
    assert not [line for line in output if "INTERNALERROR" in line or "Traceback" in line]
    assert [line for line in output if line.strip()] == [
        "ERROR: api-bdd: profile shop: broken.openapi.json is not valid OpenAPI:"
        " at /info: 'version' is a required property"
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (  # a oneOf of the meta-schema: the alternative that came closest, not "'$ref' ..."
            {"paths": {"/a": {"get": {"parameters": [{"name": "q"}], "responses": {}}}}},
            "at /paths/~1a/get/parameters/0: 'in' is a required property",
        ),
        (
            {"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/r/Nope"}}}}}},
            "$ref '#/components/r/Nope' points to nothing in the document",
        ),
        ({"openapi": "9.1"}, "'openapi': '9.1' is not a version this tool reads (3.0, 3.1 or 3.2)"),
        (
            {"paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}}},
            "Path parameter 'id' for 'get' operation in '/a/{id}' was not resolved",
        ),
    ],
)
def test_an_invalid_openapi_document_is_named_with_its_problem_on_one_line(
    change: dict[str, Any], problem: str
) -> None:
    with pytest.raises(DocumentError) as raised:
        check_document({**VALID, **change}, "api.json")
    assert str(raised.value) == f"api.json is not valid OpenAPI: {problem}"


def test_a_long_validator_message_is_cut_to_one_short_line() -> None:
    document = {**VALID, "tags": "a very long\nvalue " * 100}  # quoted whole by jsonschema
    with pytest.raises(DocumentError) as raised:
        check_document(document, "api.json")
    message = str(raised.value)
    assert "\n" not in message
    assert len(message) < 220
    assert message.startswith("api.json is not valid OpenAPI: at /tags: 'a very long")
    assert message.endswith("…")


def test_a_valid_openapi_document_passes_the_check() -> None:
    check_document(VALID, "api.json")


# -- 18: no false positives in the feature check -------------------------------------------------
FORM = """\
Feature: Tokens
  Scenario: A client signs in
    When I POST /auth/token with the form:
      | grant_type    | client_credentials       |
      | client_id     | shop-app                 |
      | client_secret | ${secret(API_PASSWORD)} |
      | scope         | read                     |
"""


def test_a_form_table_whose_first_row_is_grant_type_client_credentials_is_accepted() -> None:
    assert lint_feature(FORM) == []


def test_a_literal_value_in_a_form_table_is_judged_by_the_name_beside_it() -> None:
    text = FORM.replace("${secret(API_PASSWORD)}", "hunter2-plain  ")
    assert lint_feature(text) == [(6, "a value for 'client_secret' in a table")]


def test_an_examples_table_still_has_a_header_row_naming_its_columns() -> None:
    text = (
        "Feature: f\n  Scenario Outline: s\n    Given x <a>\n    Examples:\n"
        "      | grant_type | client_credentials |\n      | password   | shop-app           |\n"
    )
    assert lint_feature(text) == [(6, "a value in the 'client_credentials' column of a table")]


def test_a_secret_in_a_doc_string_fails_only_the_scenarios_of_its_file_at_its_line(
    project: pytest.Pytester,
) -> None:
    _health(project)
    (project.path / "features" / "keys.feature").write_text(
        "Feature: Keys\n  Scenario: Documented header\n    When I GET /health\n"
        '    Then the response JSON contains:\n      """json\n'
        '      {"X-Api-Key": "demo-key-123"}\n      """\n'
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*secret-looking value in its feature file*",
            "features/keys.feature:6: secret-looking value in a doc string: it has the shape*",
        ]
    )
    assert "demo-key-123" not in result.stdout.str() + result.stderr.str()


# -- 17: a symlink loop in a feature folder ------------------------------------------------------
def _looped(project: pytest.Pytester) -> None:
    (project.path / "features" / "a").mkdir()
    _health(project, "a/health.feature")
    (project.path / "features" / "a" / "loop").symlink_to("..", target_is_directory=True)


def test_a_symlink_loop_in_a_feature_folder_collects_each_feature_file_once_by_its_real_path(
    project: pytest.Pytester,
) -> None:
    _looped(project)
    result = project.runpytest_subprocess("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == ["features/a/health.feature::test_up"]
    result.stdout.fnmatch_lines(
        ["*api-bdd: features/a/loop: a symlink loop (it points to features*"]
    )


def test_a_linked_feature_folder_or_file_is_collected_once_by_its_real_path(
    project: pytest.Pytester,
) -> None:
    (project.path / "features" / "a").mkdir()
    _health(project, "a/health.feature")
    (project.path / "features" / "b").symlink_to("a", target_is_directory=True)
    (project.path / "features" / "same.feature").symlink_to("a/health.feature")
    result = project.runpytest_subprocess("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == ["features/a/health.feature::test_up"]


def test_check_features_names_a_symlink_loop(project: pytest.Pytester) -> None:
    _looped(project)
    result = project.runpytest_subprocess("--check-features")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "features/a/loop: a symlink loop (it points to features, which holds it):"
            " its feature files are collected once, by their real path",
            "api-bdd: --check-features: 1 problem found",
        ]
    )


# -- 19: report paths that cannot be created; an api-key profile with header and query -----------
@pytest.mark.parametrize(
    ("make", "where", "problem"),
    [
        (
            lambda base: (base / "gone").symlink_to(base / "nowhere" / "dir"),
            "gone/out.html",
            "{base}/gone is a symlink to {base}/nowhere/dir, which does not exist",
        ),
        (
            lambda base: ((base / "a").symlink_to(base / "b"), (base / "b").symlink_to("a")),
            "a/out.html",
            "Too many levels of symbolic links",
        ),
        (lambda base: None, "n" * 300 + "/out.html", "File name too long"),
        (lambda base: None, "/sys/api-bdd-out.html", "/sys takes no new file (*)"),
    ],
    ids=["dangling-symlink-folder", "symlink-loop", "name-too-long", "folder-taking-no-file"],
)
def test_a_report_path_that_cannot_be_created_is_one_error_line_before_any_test(
    project: pytest.Pytester, make: Any, where: str, problem: str
) -> None:
    _health(project)
    make(project.path)
    result = project.runpytest_subprocess(f"--living-docs={where}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    path = where if where.startswith("/") else f"{project.path}/{where}"
    errors = [line for line in result.stderr.lines if line.strip()]
    assert len(errors) == 1
    assert fnmatch.fnmatch(
        errors[0],
        f"ERROR: api-bdd: cannot write --living-docs {path}: " + problem.format(base=project.path),
    )
    assert "passed" not in result.stdout.str()


def test_a_report_path_through_a_link_to_an_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "real")
    (tmp_path / "to-be-made.html").symlink_to(tmp_path / "real" / "page.html")
    assert why_unwritable(tmp_path / "via" / "new" / "out.html") is None
    assert why_unwritable(tmp_path / "to-be-made.html") is None
    assert why_unwritable(tmp_path / "real") == "it is a directory"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["real", "to-be-made.html", "via"]


def test_an_api_key_profile_with_both_header_and_query_is_one_error_line(
    project: pytest.Pytester,
) -> None:
    pyproject = project.path / "pyproject.toml"
    text = pyproject.read_text().replace(
        'auth = { scheme = "oauth2-password", token_url = "/auth/token",'
        " fresh_per_scenario = true }",
        'auth = { scheme = "api-key", header = "X-Key", query = "api_key" }',
    )
    pyproject.write_text(text.replace('"embedded:shop"', '"http://127.0.0.1:9"'))
    _health(project)
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [
        "ERROR: api-bdd: pyproject.toml: [tool.api-bdd.profiles.shop] auth.api-key: Value error,"
        " the key goes in one place, not the header 'X-Key' and the query 'api_key':"
        " keep one of header, query and cookie"
    ]


@pytest.mark.parametrize(
    ("auth", "headers", "params"),
    [
        ({}, {"X-API-Key": "k-123"}, {}),
        ({"header": "X-Key"}, {"X-Key": "k-123"}, {}),
        ({"query": "api_key"}, {}, {"api_key": "k-123"}),
        ({"header": None, "query": "api_key"}, {}, {"api_key": "k-123"}),
    ],
)
def test_an_api_key_goes_in_the_one_place_the_profile_names(
    auth: dict[str, Any], headers: dict[str, str], params: dict[str, str]
) -> None:
    config = ApiKeyAuth.model_validate({"scheme": "api-key", "key_env": "K", **auth})
    parts = Authenticator(config, {"K": "k-123"}).parts(None)  # type: ignore[arg-type]
    assert (dict(parts.headers), dict(parts.params)) == (headers, params)


def test_an_examples_table_under_a_description_still_stops_the_run() -> None:
    text = (
        "Feature: f\n  Scenario Outline: s\n    Given x <a>\n    Examples: signed in\n"
        "      the users we sign in as\n"
        "      | user | password |\n      | bob  | hunter2  |\n"
    )
    assert find_secrets(text) == [Finding(7, "a value in the 'password' column of a table", True)]


def test_an_invalid_openapi_document_quotes_no_credential_it_holds() -> None:
    """The validator quotes the offending value: a token written where it does not belong is
    masked by its shape in the start-up error line."""
    token = "sk_live_51HabcdefghijklmnopQRSTUV0123"
    with pytest.raises(DocumentError) as raised:
        check_document({**VALID, "security": f"Bearer {token}"}, "api.json")
    message = str(raised.value)
    assert message.startswith("api.json is not valid OpenAPI: at /security: ")
    assert "is not of type 'array'" in message
    assert token[:12] not in message
