"""What the reporting plugin feeds the Redactor: credentials from exchanges, recorded warnings
(the warnings summary, and xdist, which rebuilds them)."""

from __future__ import annotations

import json
import warnings
from types import SimpleNamespace
from typing import Any

from client import Exchange
from client.redaction import Redactor
from reporting.secrets import learn_from_exchange, scrub_report, scrub_warning

SECRET = "s3cr3t-value-0123456789"


class NeedsTwo(UserWarning):
    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")


def recorded(message: Warning) -> warnings.WarningMessage:
    return warnings.WarningMessage(message, type(message), "steps/x.py", 3)


def redactor() -> Redactor:
    found = Redactor()
    found.add(SECRET, "a test secret")
    return found


def exchange(sent: dict[str, str], answer: object, content_type: str) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:9/auth/token",
        request_headers=sent,
        request_body=None,
        status=200,
        reason="OK",
        headers={"Content-Type": content_type},
        body=json.dumps(answer).encode(),
        started_at=0.0,
        elapsed=0.0,
    )


def test_tokens_an_exchange_obtained_or_sent_become_secrets() -> None:
    found = Redactor()
    issued, sent, key = "issued-5f1c9a7e3b2d", "sent-8e4a2c6f0d9b", "key-3d7b1f9e5a6c"
    learn_from_exchange(
        found,
        exchange(
            {"Authorization": f"Bearer {sent}", "X-API-Key": key, "Accept": "application/json"},
            {"access_token": issued, "token_type": "bearer", "name": "lamp-2a8c4e6f0b1d"},
            "application/json",
        ),
    )
    text = found.redact(f"{issued} {sent} {key} lamp-2a8c4e6f0b1d bearer")
    assert text == "*** *** *** lamp-2a8c4e6f0b1d bearer"


def test_bodies_without_token_keys_or_not_json_teach_nothing() -> None:
    found = Redactor()
    value = "plain-0123456789abcdef"
    learn_from_exchange(found, exchange({}, {"name": value, "tokens": 3}, "application/json"))
    learn_from_exchange(found, exchange({}, {"access_token": value}, "text/plain"))
    learn_from_exchange(found, exchange({}, [value], "application/json"))
    assert found.redact(value) == value


def test_credentials_issued_under_any_name_at_any_depth_are_learned() -> None:
    found = Redactor()
    issued = {
        "data": {"session": {"accessToken": "access-5f1c9a7e3b2d", "expiresIn": 3600}},
        "refresh_token": "refresh-8e4a2c6f0d9b",
        "items": [{"clientSecret": "client-3d7b1f9e5a6c", "keyId": "kid-1a2b3c4d5e6f"}],
        "IdToken": "id-9c8b7a6f5e4d",
        "tokenType": "Bearer-but-not-secret",
    }
    learn_from_exchange(found, exchange({}, issued, "application/json"))
    text = (
        "access-5f1c9a7e3b2d refresh-8e4a2c6f0d9b client-3d7b1f9e5a6c id-9c8b7a6f5e4d"
        " kid-1a2b3c4d5e6f Bearer-but-not-secret"
    )
    assert found.redact(text, shapes=False) == (
        "*** *** *** *** kid-1a2b3c4d5e6f Bearer-but-not-secret"
    )


def test_what_a_request_body_sent_is_not_learned() -> None:
    found = Redactor()
    sent = Exchange(
        method="POST",
        url="http://127.0.0.1:9/users",
        request_headers={"Content-Type": "application/json"},
        request_body=b'{"password": "demo-password-1"}',
        status=201,
        reason="Created",
        headers={"Content-Type": "application/json"},
        body=b'{"id": 1, "username": "demo"}',
        started_at=0.0,
        elapsed=0.0,
    )
    learn_from_exchange(found, sent)
    assert found.known == 0


def test_every_member_of_a_plural_or_bare_credential_name_is_learned() -> None:
    found = Redactor()
    issued = {
        "tokens": ["tok-5f1c9a7e3b2d", "tok-8e4a2c6f0d9b"],
        "accessTokens": ["acc-3d7b1f9e5a6c"],
        "secrets": {"db": "db-9c8b7a6f5e4d", "stripe": "st-1a2b3c4d5e6f"},
        "passwords": ["pw-7e6d5c4b3a21"],
        "api_keys": [{"id": "key-id-0a1b2c3d", "value": "val-4e5f6a7b8c9d"}],
        "refresh": "ref-0f1e2d3c4b5a",
        "cookies": {"connect.sid": "s%3Acon-6b7c8d9e0f1a", "sid": "sid-2b3c4d5e6f7a"},
    }
    learn_from_exchange(found, exchange({}, issued, "application/json"))
    learned = [
        "tok-5f1c9a7e3b2d",
        "tok-8e4a2c6f0d9b",
        "acc-3d7b1f9e5a6c",
        "db-9c8b7a6f5e4d",
        "st-1a2b3c4d5e6f",
        "pw-7e6d5c4b3a21",
        "val-4e5f6a7b8c9d",
        "ref-0f1e2d3c4b5a",
        "s%3Acon-6b7c8d9e0f1a",
        "sid-2b3c4d5e6f7a",
    ]
    assert found.redact(" ".join(learned), shapes=False) == " ".join(["***"] * len(learned))
    assert found.redact("key-id-0a1b2c3d", shapes=False) == "key-id-0a1b2c3d"


def test_flags_numbers_dates_and_status_words_are_never_learned_under_credential_names() -> None:
    found = Redactor()
    answer = {
        "auth_status": "active",
        "auth_level": "elevated",
        "pass_rate": 0.95,
        "password_changed_at": "2026-12-05T01:16:56Z",
        "session": True,
        "credentials_expire": "2027-01-01",
        "token_usage": {"prompt": 1200, "completion": 80},
        "signature_valid": True,
        "tokens": 3,
        "password": "password_expired",
        "token": "Sat, 05 Dec 2026 01:16:56 GMT",
        "secret": 12345678901,
    }
    learn_from_exchange(found, exchange({}, answer, "application/json"))
    assert found.known == 0
    assert found.warnings == []
    later = "status active, level elevated, rate 0.95, 2026-12-05T01:16:56Z, 12345678901"
    assert found.redact(later) == later  # a later scenario's text keeps every word


def scenario_report(record: dict[str, Any]) -> Any:
    return SimpleNamespace(longrepr=None, sections=[], user_properties=[], api_bdd_scenario=record)


def test_feature_text_is_shown_as_written_unless_it_holds_a_known_secret() -> None:
    step = 'I call /me with the header "X-API-Key: demo-key-0001"'
    record = {
        "name": "A demo key token=demo-1234 is refused",
        "example": {"index": 0, "values": {"header": "X-API-Key: demo-key-0001"}},
        "error": None,
        "steps": [
            {
                "text": f"{step} and {SECRET}",
                "docstring": '{"password": "demo-password"}',
                "datatable": [["token=demo-token-1"]],
                "error": "AssertionError: sent X-API-Key: other-key-98765",
                "exchanges": [{"request_headers": "{'X-API-Key': 'other-key-98765'}"}],
            }
        ],
    }
    report = scenario_report(record)
    scrub_report(report, redactor())
    scrubbed = report.api_bdd_scenario
    assert scrubbed["name"] == record["name"]
    assert scrubbed["example"] == record["example"]
    written = scrubbed["steps"][0]
    assert written["text"] == f"{step} and ***"  # the known secret is still masked
    assert written["docstring"] == '{"password": "demo-password"}'
    assert written["datatable"] == [["token=demo-token-1"]]
    # what the run produced is masked by shape as before
    assert written["error"] == "AssertionError: sent X-API-Key: ***"
    assert written["exchanges"] == [{"request_headers": "{'X-API-Key': '***'}"}]


def test_a_value_the_run_showed_under_a_credential_name_is_masked_in_feature_text_too() -> None:
    record = {
        "example": {"index": 0, "values": {"header": "X-API-Key: demo-key-0001"}},
        "steps": [{"text": "I send demo-key-0001", "error": "sent X-API-Key: demo-key-0001"}],
    }
    report = scenario_report(record)
    scrub_report(report, Redactor())
    scrubbed = report.api_bdd_scenario
    assert scrubbed["steps"][0] == {"text": "I send ***", "error": "sent X-API-Key: ***"}
    assert scrubbed["example"] == {"index": 0, "values": {"header": "X-API-Key: ***"}}


def test_a_warning_keeps_its_category_and_loses_the_secret() -> None:
    record = recorded(DeprecationWarning(f"the key {SECRET} is deprecated"))
    scrub_warning(record, redactor())
    assert record.category is DeprecationWarning
    assert isinstance(record.message, DeprecationWarning)
    assert record.message.args == ("the key *** is deprecated",)  # what xdist sends on


def test_a_category_that_cannot_be_rebuilt_becomes_a_user_warning() -> None:
    record = recorded(NeedsTwo(SECRET, "here"))
    scrub_warning(record, redactor())
    assert record.category is UserWarning
    assert str(record.message) == "*** at here"


def test_a_warning_without_secrets_is_left_alone() -> None:
    original = NeedsTwo("plain", "here")
    record = recorded(original)
    scrub_warning(record, redactor())
    assert record.message is original
    assert record.category is NeedsTwo


def test_credentials_the_api_set_in_its_answers_headers_are_learned() -> None:
    found = Redactor()
    answer = Exchange(
        method="POST",
        url="http://127.0.0.1:9/login",
        request_headers={},
        request_body=None,
        status=200,
        reason="OK",
        headers={
            "Set-Cookie": "connect.sid=s%3Acookie-5f1c9a7e3b2d; Path=/; HttpOnly",
            "X-Session-Token": "sess-8e4a2c6f0d9b",
            "X-Auth-Status": "active",
            "Content-Type": "text/plain",
        },
        body=b"",
        started_at=0.0,
        elapsed=0.0,
    )
    learn_from_exchange(found, answer)
    shown = found.redact("s%3Acookie-5f1c9a7e3b2d sess-8e4a2c6f0d9b active", shapes=False)
    assert shown == "*** *** active"
