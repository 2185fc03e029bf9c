"""What the reporting plugin feeds the Redactor: credentials from exchanges, recorded warnings
(the warnings summary, and xdist, which rebuilds them)."""

from __future__ import annotations

import json
import warnings

from client import Exchange
from client.redaction import Redactor
from reporting.secrets import learn_from_exchange, scrub_warning

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
