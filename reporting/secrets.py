"""Applying the Redactor to what a pytest run emits: reports, log records, exchanges.

No pytest import: the functions take the objects duck-typed, so the plugin stays a switchboard.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any

from client import ApiSettings, Exchange
from client.redaction import Redactor, is_sensitive_name

# JSON keys whose values are credentials the client obtained: learned as secrets.
TOKEN_KEYS = ("access_token", "refresh_token", "id_token", "token", "session_token", "api_key")
_TOKEN_KEY_BYTES = (b'token"', b'api_key"')  # how each of them ends as a JSON key


def settings_secrets(settings: ApiSettings) -> list[tuple[str, str | None]]:
    """(variable name, value) of every secret setting."""
    return [
        ("API_PASSWORD", settings.password.get_secret_value() if settings.password else None),
        ("API_KEY", settings.key.get_secret_value() if settings.key else None),
        ("API_TOKEN", settings.token.get_secret_value() if settings.token else None),
    ]


def learn_from_exchange(redactor: Redactor, exchange: Exchange) -> None:
    """Register credentials the exchange carried: tokens it obtained, secret headers it sent."""
    for name, value in exchange.request_headers.items():
        if is_sensitive_name(name) and value:
            scheme, _, credential = value.partition(" ")
            redactor.add(
                credential if credential and scheme.isalpha() else value, f"the {name} header"
            )
    if "json" not in exchange.content_type or not any(k in exchange.body for k in _TOKEN_KEY_BYTES):
        return  # runs for every request: parse only a body that may hold a token
    try:
        body = exchange.json()
    except ValueError:
        return
    if isinstance(body, dict):
        for key in TOKEN_KEYS:
            if isinstance(body.get(key), str):
                redactor.add(body[key], f"the {key} from {exchange.method} {exchange.url}")


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) with secrets masked."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__("api-bdd-redaction")
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            message = str(record.msg)
        record.msg, record.args = self.redactor.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


def attach_filter(handlers: Iterable[logging.Handler | None], flt: logging.Filter) -> None:
    for handler in handlers:
        if handler is not None and flt not in handler.filters:
            handler.addFilter(flt)


def scrub_report(report: Any, redactor: Redactor) -> None:
    """Redact a TestReport in place: failure text, captured sections, properties."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        report.longrepr = (longrepr[0], longrepr[1], redactor.redact(str(longrepr[2])))
    elif longrepr is not None:
        report.longrepr = redactor.redact(str(longrepr))
    report.sections = [(title, redactor.redact(text)) for title, text in report.sections]
    report.user_properties = [
        (name, redactor.redact_value(value)) for name, value in report.user_properties
    ]
    scenario = getattr(report, "api_bdd_scenario", None)
    if scenario is not None:
        report.api_bdd_scenario = redactor.redact_value(scenario)


def scrub_warning(warning_message: Any, redactor: Redactor) -> None:
    """Redact a recorded ``warnings.WarningMessage`` in place, before the warnings summary
    (or xdist, which rebuilds it from the category and ``args``) formats it."""
    text = str(warning_message.message)
    clean = redactor.redact(text)
    if clean == text:
        return
    try:
        warning_message.message = warning_message.category(clean)
    except Exception:  # noqa: BLE001 - a category whose constructor wants other arguments
        warning_message.message = UserWarning(clean)
        warning_message.category = UserWarning
