"""The cURL command in the evidence repeats the request, each credential as the variable it
came from (issue 9, item 12)."""

from __future__ import annotations

import base64

from client import Exchange
from reporting.records import curl_command, curl_variables, exchange_record


def sent(headers: dict[str, str], body: bytes | None = None) -> Exchange:
    return Exchange(
        method="POST" if body else "GET",
        url="http://127.0.0.1:8000/things",
        request_headers=headers,
        request_body=body,
        status=200,
        reason="OK",
        headers={"Content-Type": "application/json"},
        body=b"{}",
        started_at=0.0,
        elapsed=0.01,
    )


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_auth_is_user_and_password_variables() -> None:
    names = {"ada": "API_USERNAME", "pw-0123456789": "API_PASSWORD"}
    command = curl_command(sent({"Authorization": basic("ada", "pw-0123456789")}), names=names)
    assert '-u "$API_USERNAME:$API_PASSWORD"' in command
    assert "pw-0123456789" not in command


def test_basic_auth_names_the_profiles_own_variables() -> None:
    names = {"demo-user": "HTTPBIN_USER", "s3cret-0123456": "HTTPBIN_PASSWORD"}
    command = curl_command(
        sent({"Authorization": basic("demo-user", "s3cret-0123456")}), names=names
    )
    assert '-u "$HTTPBIN_USER:$HTTPBIN_PASSWORD"' in command


def test_a_bearer_token_is_api_token_only_when_it_is_that_setting() -> None:
    setting = {"tok-from-the-env-123": "API_TOKEN"}
    issued = {"tok-issued-by-api-456": "the access_token from POST /auth/token"}
    as_setting = curl_command(sent({"Authorization": "Bearer tok-from-the-env-123"}), names=setting)
    as_issued = curl_command(sent({"Authorization": "Bearer tok-issued-by-api-456"}), names=issued)
    as_chosen = curl_command(sent({"Authorization": "Bearer tok-a-step-chose-789"}), names={})
    assert '"Authorization: Bearer $API_TOKEN"' in as_setting
    assert '"Authorization: Bearer $ACCESS_TOKEN"' in as_issued
    assert '"Authorization: Bearer $TOKEN"' in as_chosen
    assert "API_TOKEN" not in as_issued + as_chosen


def test_an_api_key_header_is_its_variable() -> None:
    command = curl_command(
        sent({"X-API-Key": "key-0123456789"}), names={"key-0123456789": "API_KEY"}
    )
    assert '-H "X-API-Key: $API_KEY"' in command


def test_a_password_form_field_is_its_variable() -> None:
    form = b"grant_type=password&username=ada&password=pw-0123456789"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    names = {"ada": "API_USERNAME", "pw-0123456789": "API_PASSWORD"}
    command = curl_command(sent(headers, form), names=names)
    assert '--data-urlencode "password=$API_PASSWORD"' in command
    assert '--data-urlencode "username=$API_USERNAME"' in command


def test_the_page_explains_every_variable_of_the_command() -> None:
    record = exchange_record(
        sent({"Authorization": "Bearer tok-issued-by-api-456"}),
        {"tok-issued-by-api-456": "the access_token from POST /auth/token"},
    )
    assert record["curl_variables"] == {
        "ACCESS_TOKEN": "a token the API issued during the run: sign in to get one"
    }
    assert curl_variables('curl -u "$API_USERNAME:$API_PASSWORD"') == {
        "API_USERNAME": "the environment variable of that name (export it)",
        "API_PASSWORD": "the environment variable of that name (export it)",
    }
