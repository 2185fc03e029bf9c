"""The feature suite run as a user runs it: embedded API, standalone API, tags, settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_repo
from tests.standalone import start_standalone
from tests.suites import SUITES

SHOP_SCENARIOS = 24  # the scenarios (outline rows included) in features/shop

DRIFT_PLUGIN = '''
"""Changes the demo API's product response before the embedded server is built."""
import json
import os
from typing import Any

from pydantic import BaseModel

import demo_api.app
from demo_api.schemas import Money, ProductOut, cents_to_money


class WithDiscount(ProductOut):
    discount: str = "0.00"


class WithoutStock(BaseModel):
    id: int
    name: str
    price: Money
    created_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "WithoutStock":
        return cls(id=row["id"], name=row["name"], price=cents_to_money(row["price_cents"]),
                   created_at=row["created_at"])


demo_api.app.ProductOut = {"add": WithDiscount, "remove": WithoutStock}[os.environ["DRIFT"]]
'''


def test_features_pass_against_the_embedded_api(pytester: pytest.Pytester) -> None:
    result = run_repo(pytester, "features/shop")
    result.assert_outcomes(passed=SHOP_SCENARIOS)


@pytest.mark.parametrize(
    ("drift", "conformance", "message"),
    [
        (
            "add",
            "fail",
            "ConformanceError: POST *127.0.0.1:*/products -> 201: response does not conform"
            " to POST /products: unexpected property 'discount'",
        ),
        (
            "remove",
            "fail",
            "ConformanceError: POST *127.0.0.1:*/products -> 201: response does not conform"
            " to POST /products: missing required property 'stock'",
        ),
        ("add", "off", "*: response does not match Product (field discount: Extra inputs are*"),
        ("remove", "off", "*: response does not match Product (field stock: Field required)"),
    ],
)
def test_a_changed_product_response_fails_naming_the_field(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    drift: str,
    conformance: str,
    message: str,
) -> None:
    """The OpenAPI document catches the change first, naming operation and field; without it,
    the strict model does."""
    pytester.makepyfile(drift=DRIFT_PLUGIN)
    monkeypatch.setenv("DRIFT", drift)
    catalogue = "features/shop/products/catalogue.feature"
    result = run_repo(pytester, "-p", "drift", catalogue, "--conformance", conformance)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 2  # every scenario that reads a product back
    result.stdout.fnmatch_lines([message])


def test_smoke_tag_selects_the_smoke_scenarios(pytester: pytest.Pytester) -> None:
    result = run_repo(pytester, "features/shop", "-m", "smoke")
    result.assert_outcomes(passed=4, deselected=SHOP_SCENARIOS - 4)


def test_features_pass_against_a_standalone_api_given_by_base_url(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_USERNAME", "standalone-user")
    monkeypatch.setenv("API_PASSWORD", "a-password-only-this-test-knows")
    with start_standalone(tmp_path, dict(os.environ)) as api:
        result = run_repo(
            pytester, "features/shop", "--base-url", api.url, "-p", "xdist", "-n", "2"
        )
    result.assert_outcomes(passed=SHOP_SCENARIOS)
    assert "a-password-only-this-test-knows" not in result.stdout.str()


def test_a_missing_password_fails_the_signing_in_step_in_one_line_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_USERNAME", "someone")
    monkeypatch.delenv("API_PASSWORD", raising=False)
    monkeypatch.delenv("API_TOKEN", raising=False)
    monkeypatch.setenv("PYTEST_BASE_URL", "http://127.0.0.1:9")
    result = run_repo(pytester, "features/shop/users", "-k", "own_profile")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "features/shop/users/my_account.feature:6  Given I am signed in",
            "SettingsError: API_PASSWORD is not set: the profile's oauth2-password"
            " authentication needs it*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (
            ["--api-timeout", "soon"],
            {},
            "ERROR: api-bdd: --api-timeout='soon' is invalid: expected seconds, a number > 0",
        ),
        ([], {"API_DEADLINE": "-3"}, "ERROR: api-bdd: environment variable API_DEADLINE='-3'*"),
        (["--retries", "-1"], {}, "ERROR: api-bdd: --retries='-1' is invalid: expected a whole*"),
        (["--demo-fault-rate", "2"], {}, "ERROR: api-bdd: --demo-fault-rate='2' is invalid: *"),
        (
            ["--demo-fault-mix", "teapot=1"],
            {},
            "ERROR: api-bdd: --demo-fault-mix: unknown fault kind 'teapot'; known: *",
        ),
    ],
)
def test_a_bad_setting_is_one_usage_error_line(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run_repo(pytester, "features/shop", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([expected])
    assert len([line for line in result.stderr.lines if line.strip()]) == 1


def test_an_exported_api_token_does_not_reach_an_embedded_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_TOKEN", "a-token-for-another-api-entirely")
    monkeypatch.setenv("API_PASSWORD", "a-password-for-another-api")
    result = run_repo(pytester, "features/shop/users")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("htp://127.0.0.1:8000", "ERROR: api-bdd: *scheme*"),
        ("http//127.0.0.1:8000", "ERROR: api-bdd: *base URL*"),
        ("127.0.0.1:8000", "ERROR: api-bdd: *no scheme*"),
        ("http://ada:s3cr3t-pw@127.0.0.1:8000", "ERROR: api-bdd: *credentials*"),
    ],
)
def test_a_bad_base_url_is_one_line_before_any_test(
    pytester: pytest.Pytester, url: str, expected: str
) -> None:
    result = run_repo(pytester, "features/shop", "--base-url", url)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([expected])
    assert len([line for line in result.stderr.lines if line.strip()]) == 1
    assert "s3cr3t-pw" not in result.stderr.str() + result.stdout.str()


def test_any_exception_from_a_step_is_one_line_with_its_type(project: pytest.Pytester) -> None:
    project.makepyfile(
        broken_steps='''
from steps import Context, when


@when("I look something up in an empty table")
def look_up(ctx: Context) -> None:
    """A bug in step code: a KeyError."""
    {}["missing-key"]
'''
    )
    conftest = (project.path / "conftest.py").read_text()
    (project.path / "conftest.py").write_text(
        conftest.replace('"reporting.plugin",', '"reporting.plugin",\n    "broken_steps",')
    )
    (project.path / "features" / "broken.feature").write_text(
        "Feature: Broken\n  Scenario: A bug in step code\n"
        "    When I look something up in an empty table\n"
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "features/broken.feature:3  When I look something up in an empty table",
            "KeyError: 'missing-key'",
        ]
    )
    assert "broken_steps.py:" not in result.stdout.str()
    assert "broken_steps.py:7: KeyError" in project.runpytest_subprocess("--tb=long").stdout.str()


def test_the_living_docs_list_how_the_running_api_differs_from_its_document(
    project: pytest.Pytester,
) -> None:
    document = json.loads((SUITES / "shop" / "models" / "shop.openapi.json").read_text())
    document["paths"]["/legacy-export"] = {
        "get": {"operationId": "legacy_export", "responses": {"200": {"description": "a file"}}}
    }
    (project.path / "committed.openapi.json").write_text(json.dumps(document))
    pyproject = (project.path / "pyproject.toml").read_text()
    (project.path / "pyproject.toml").write_text(
        pyproject.replace(
            'models = "tests.suites.shop.models.shop"',
            'models = "tests.suites.shop.models.shop"\nopenapi = "committed.openapi.json"\n'
            'openapi_live = "/openapi.json"',
        )
    )
    (project.path / "features" / "health.feature").write_text(
        "Feature: Health\n  Scenario: Up\n    When I GET /health\n"
        "    Then the response status is 200\n"
    )
    result = project.runpytest_subprocess(
        "--living-docs-markdown", "summary.md", "-p", "xdist", "-n", "2"
    )
    result.assert_outcomes(passed=1)
    summary = (project.path / "summary.md").read_text()
    assert "### Changes to the API's document" in summary
    assert "**1 breaking** of 1 changes." in summary
    assert "`GET /legacy-export`" in summary
