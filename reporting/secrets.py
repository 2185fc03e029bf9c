"""Applying the Redactor to what a pytest run emits: reports, log records, exchanges.

Credentials are learned from what each exchange sent in its headers and what the API issued
in its JSON answer. Reports are scrubbed in place; the scenario record a report carries is
masked by :mod:`reporting.outbound`, which owns how every record is masked on its way out.

No pytest import: the functions take the objects duck-typed, so the plugin stays a switchboard.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Iterator
from typing import Any

from client import ApiSettings, Exchange
from client.redaction import (
    Redactor,
    could_be_secret,
    is_plural_credential,
    is_sensitive_name,
    redact_url,
)
from reporting import outbound

# A body is parsed for credentials only when it holds a word every credential's name contains
# (client._credential_names: "passwd", "apiKey", "JSESSIONID" included). This runs for every
# request: ten substring searches of the lower-cased body cost less than parsing it.
_CREDENTIAL_STEMS = (
    b"token",
    b"secret",
    b"pass",
    b"pwd",
    b"key",
    b"auth",
    b"cookie",
    b"credential",
    b"sess",
    b"signature",
    b"refresh",
    b"sid",
)


def _may_hold_credentials(body: bytes) -> bool:
    lowered = body.lower()
    return any(stem in lowered for stem in _CREDENTIAL_STEMS)


def settings_secrets(settings: ApiSettings) -> list[tuple[str, str | None]]:
    """(variable name, value) of every secret setting."""
    return [
        ("API_PASSWORD", settings.password.get_secret_value() if settings.password else None),
        ("API_KEY", settings.key.get_secret_value() if settings.key else None),
        ("API_TOKEN", settings.token.get_secret_value() if settings.token else None),
    ]


def credentials_in(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, value) of every value under a credential's name in decoded JSON, at any depth:
    ``access_token``, ``data.session.accessToken``, ``items[0].clientSecret``, and each member
    of a plural one (``tokens[0]``, ``secrets.db``, ``api_keys[0].value``). What cannot be a
    secret (a flag, a number, a date, a status word) is never yielded, whatever its name."""
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if not (isinstance(key, str) and is_sensitive_name(key)):
                yield from credentials_in(value, where)
            elif is_plural_credential(key) and isinstance(value, dict | list):
                yield from _members(value, where)
            elif could_be_secret(value):
                yield where, value
            else:
                yield from credentials_in(value, where)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from credentials_in(value, f"{path}[{index}]")


_HOLDERS = frozenset({"value", "secret", "plaintext", "raw"})  # api_keys[0].value


def _members(data: dict[str, Any] | list[Any], path: str) -> Iterator[tuple[str, str]]:
    """The credentials among the members of a plural credential's list or mapping."""
    pairs = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in pairs:
        where = f"{path}.{key}" if isinstance(data, dict) else f"{path}[{key}]"
        if isinstance(value, dict):
            for name, held in value.items():
                if isinstance(name, str) and name.lower() in _HOLDERS and could_be_secret(held):
                    yield f"{where}.{name}", held
            yield from credentials_in(value, where)
        elif could_be_secret(value):
            yield where, value


def learn_from_exchange(redactor: Redactor, exchange: Exchange) -> None:
    """Register credentials the exchange carried: secret headers it sent or received (a
    cookie's value), and credentials the API issued in its JSON answer, under any naming
    convention and at any depth. (What the request's body sent is not learned: a feature's
    own demo values are shown as written.)
    They belong to the scenario that runs (retired after it; learned again when used again)."""
    for name, value in exchange.request_headers.items():
        if is_sensitive_name(name) and value:
            scheme, _, credential = value.partition(" ")
            redactor.add(
                credential if credential and scheme.isalpha() else value,
                f"the {name} header",
                scoped=True,
            )
    for name, value in exchange.headers.items():  # what the API set: a cookie, a session key
        if is_sensitive_name(name) and value:
            held = _cookie_value(value) if name.lower() == "set-cookie" else value
            if could_be_secret(held):
                redactor.add(held, f"the {name} header of the answer", scoped=True)
    if "json" not in exchange.content_type or not _may_hold_credentials(exchange.body):
        return
    try:
        body = exchange.json()
    except ValueError:
        return
    for where, value in credentials_in(body):
        redactor.add(
            value, f"the {where} from {exchange.method} {redact_url(exchange.url)}", scoped=True
        )


def _cookie_value(set_cookie: str) -> str:
    """``sid=abc; Path=/; HttpOnly`` -> ``abc`` (several cookies folded by commas: the first)."""
    pair = set_cookie.split(";", 1)[0]
    return pair.partition("=")[2].strip().strip('"')


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
    """Redact a TestReport in place: failure text, captured sections, properties, and the
    scenario record it carries out of this process (:func:`reporting.outbound.scenario_record`).
    A value learned from one part (under its credential's name) is masked in the parts before
    it: the record then by known values only, its shapes being masked already."""
    before = redactor.generation
    _scrub_report_once(report, redactor, None)
    if redactor.generation != before:
        _scrub_report_once(report, redactor, before)


def _scrub_report_once(report: Any, redactor: Redactor, since: int | None) -> None:
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
        report.api_bdd_scenario = outbound.scenario_record(scenario, redactor, since=since)


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
