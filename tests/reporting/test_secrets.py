"""Redaction of recorded warnings (the warnings summary, and xdist, which rebuilds them)."""

from __future__ import annotations

import warnings

from client.redaction import Redactor
from reporting.secrets import scrub_warning

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
