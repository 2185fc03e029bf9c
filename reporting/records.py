"""Plain-data records of a scenario run: what the living documentation is made from.

Built in the process that runs the scenario, carried on the TestReport (JSON-safe, so xdist
carries it), redacted there, and read on the controller. No pytest import.

The records' types, and the JSON shape they serialise to, are in
:mod:`reporting.record_types`; the builders here are the only places a record is made.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from client import Exchange
from client.redaction import MASK, is_sensitive_name, redact_json
from reporting.record_types import (
    ExchangeRecord,
    FeatureRecord,
    HopRecord,
    RuleRecord,
    ScenarioRecord,
    StepRecord,
)

BODY_LIMIT = 16 * 1024  # characters of a body kept in a report
Mask = Callable[[str], str]  # the run's redactor: known secrets masked

# Secret headers and form fields become references to the variable a reader would export.
_ENV_FOR_HEADER = {"authorization": "API_TOKEN", "x-api-key": "API_KEY", "cookie": "API_COOKIE"}
_ENV_FOR_FIELD = {"password": "API_PASSWORD", "username": "API_USERNAME"}
_SKIP_CURL_HEADERS = {"content-length", "accept-encoding", "connection", "user-agent"}


def feature_record(feature: Any, rootpath: str) -> FeatureRecord:
    return {
        "uri": os.path.relpath(feature.filename, rootpath),
        "keyword": feature.keyword,
        "name": feature.name,
        "description": (feature.description or "").strip("\n"),
        "tags": sorted(feature.tags),
        "line": feature.line_number,
    }


def _datatable(step: Any) -> list[list[str]] | None:
    table = getattr(step, "datatable", None)
    return None if table is None else [[str(v) for v in row] for row in table.raw()]


def _background_lines(scenario: Any) -> set[int]:
    """The lines of the steps the feature's and the rule's backgrounds contribute."""
    rule = scenario.rule
    lines: set[int] = set()
    for background in (scenario.feature.background, rule.background if rule else None):
        if background is not None:
            lines |= {s.line_number for s in background.steps}
    return lines


def _step_records(
    scenario: Any, written: list[Any], functions: list[str | None]
) -> list[StepRecord]:
    """Each step, not yet run; ``written``: an outline's steps as written (else empty)."""
    background_lines = _background_lines(scenario)
    return [
        {
            "keyword": step.keyword.strip(),
            "text": step.name,
            "outline_text": written[index].name if index < len(written) else None,
            "outline_docstring": written[index].docstring if index < len(written) else None,
            "line": step.line_number,
            "type": step.type,
            "background": step.line_number in background_lines,
            "datatable": _datatable(step),
            "docstring": step.docstring,
            "status": "skipped",
            "duration": 0.0,
            "error": None,
            "function": functions[index] if index < len(functions) else None,
            "values": [],
            "exchanges": [],
        }
        for index, step in enumerate(scenario.steps)
    ]


def _rule_record(rule: Any) -> RuleRecord | None:
    if rule is None:
        return None
    return {
        "keyword": rule.keyword,
        "name": rule.name,
        "description": (rule.description or "").strip("\n"),
        "tags": sorted(rule.tags),
    }


def scenario_record(
    nodeid: str,
    scenario: Any,
    template: Any,
    rootpath: str,
    example_index: int | None,
    example_values: dict[str, str] | None,
    functions: list[str | None],
) -> ScenarioRecord:
    """The skeleton of a scenario run: every step, not yet run."""
    written = list(template.steps) if example_index is not None else []
    return {
        "id": nodeid,
        "feature": feature_record(scenario.feature, rootpath),
        "rule": _rule_record(scenario.rule),
        "keyword": template.keyword,
        "name": scenario.name,
        "line": scenario.line_number,
        "tags": sorted(scenario.tags),
        "description": (scenario.description or "").strip("\n"),
        "example": None
        if example_index is None
        else {"index": example_index, "values": dict(example_values or {})},
        "status": "skipped",
        "duration": 0.0,
        "error": None,  # set when the scenario failed outside its steps (a fixture, clean-up)
        "steps": _step_records(scenario, written, functions),
        "after": [],
        "teardown_error": None,
        "interrupted": None,
    }


def _body_text(
    body: bytes | None, content_type: str, mask: Mask | None = None
) -> tuple[str | None, bool]:
    """A body as redacted text, cut at BODY_LIMIT; (text, cut). JSON is kept on one line (the
    C encoder: indenting takes the pure-Python one, 5x slower); the page indents it on display.

    ``mask`` (the run's redactor) masks known secrets before the cut: cut first, a secret that
    straddles the cut would leave a head too short to be recognised as its fragment. Only the
    part the cut keeps, and a margin as long again for a secret that straddles it, is masked."""
    if body is None:
        return None, False
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        # RecursionError: JSON nested deeper than the parser goes stays text, cut like any body
        with contextlib.suppress(ValueError, RecursionError):
            text = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
    elif "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(text, keep_blank_values=True)
        text = urlencode([(k, MASK if is_sensitive_name(k) else v) for k, v in pairs], safe="*")
    if mask is not None:
        text = mask(text[: 2 * BODY_LIMIT]) + text[2 * BODY_LIMIT :]
    end = BODY_LIMIT
    while end < len(text) and end < BODY_LIMIT + len(MASK) - 1 and text[end - 1 : end + 1] == "**":
        end += 1  # a mask the cut would split is kept whole
    cut = len(text) > end
    return (text[:end] + f"\n… cut at {BODY_LIMIT} characters" if cut else text), cut


ISSUED_TOKEN = "ACCESS_TOKEN"  # a token the API issued during the run
SENT_TOKEN = "TOKEN"  # a token a scenario chose to send (not a setting)
CURL_VARIABLES = {
    ISSUED_TOKEN: "a token the API issued during the run: sign in to get one",
    SENT_TOKEN: "the bearer token the scenario sent (from one of its variables)",
    "API_SECRET": "a secret the request carried that no setting names",
}
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _named(value: str, names: Mapping[str, str], fallback: str) -> str:
    """The environment variable ``value`` came from, or ``fallback``."""
    name = names.get(value, "")
    return name if _ENV_NAME.fullmatch(name) else fallback


def _authorization(value: str, names: Mapping[str, str]) -> list[str]:
    """cURL arguments for an ``Authorization`` header, credentials as ``$VARIABLES``."""
    scheme, _, credential = value.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        user_part = f"${names[user]}" if _ENV_NAME.fullmatch(names.get(user, "")) else user
        return ["-u", f'"{user_part}:${_named(password, names, "API_PASSWORD")}"']
    if scheme.lower() == "bearer":
        known = names.get(credential, "")
        variable = known if _ENV_NAME.fullmatch(known) else ISSUED_TOKEN if known else SENT_TOKEN
        return ["-H", f'"Authorization: Bearer ${variable}"']
    return ["-H", f'"Authorization: {scheme} ${_named(credential, names, "API_SECRET")}"']


def curl_command(
    exchange: Exchange, json_body: str | None = None, names: Mapping[str, str] | None = None
) -> str:
    """A cURL command that repeats the request, credentials as ``$VARIABLE`` references.

    ``names`` maps credential values to the environment variables they came from (the
    profile's: ``$API_PASSWORD``, ``$HTTPBIN_PASSWORD``...); a token the API issued is
    ``$ACCESS_TOKEN``, one the scenario chose ``$TOKEN`` (see :data:`CURL_VARIABLES`).
    ``json_body``: the request's JSON body already redacted (see ``_body_text``), so it is not
    parsed twice; None: parsed here."""
    names = names or {}
    parts = ["curl", "-X", exchange.method, _curl_url(exchange, names)]
    for name, value in exchange.request_headers.items():
        lowered = name.lower()
        if lowered in _SKIP_CURL_HEADERS or lowered == "idempotency-key":
            continue
        if lowered == "authorization":
            parts += _authorization(value, names)
        elif is_sensitive_name(name) or lowered in exchange.credentials:
            variable = _named(value, names, _ENV_FOR_HEADER.get(lowered, "API_SECRET"))
            parts += ["-H", f'"{name}: ${variable}"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    for name, value in exchange.request_headers.items():
        if name.lower() == "idempotency-key":
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    body = exchange.request_body
    if body:
        content_type = next(
            (v for k, v in exchange.request_headers.items() if k.lower() == "content-type"), ""
        )
        text = body.decode("utf-8", errors="replace")
        if "x-www-form-urlencoded" in content_type:
            for key, val in parse_qsl(text, keep_blank_values=True):
                if is_sensitive_name(key) or key in _ENV_FOR_FIELD or val in names:
                    fallback = _ENV_FOR_FIELD.get(key, "API_SECRET")
                    parts += ["--data-urlencode", f'"{key}=${_named(val, names, fallback)}"']
                else:
                    parts += ["--data-urlencode", shlex.quote(f"{key}={val}")]
        else:
            if json_body is not None:
                text = json_body
            elif "json" in content_type:
                with contextlib.suppress(ValueError, RecursionError):
                    text = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
            parts += ["--data-raw", shlex.quote(text)]
    return " ".join(parts)


def _curl_url(exchange: Exchange, names: Mapping[str, str]) -> str:
    """The URL argument: quoted as is, or with each credential parameter as ``$VARIABLE``."""
    if not exchange.credential_params or "?" not in exchange.url:
        return shlex.quote(exchange.url)
    parts = urlsplit(exchange.url)
    query = [
        f"{quote(k)}=${_named(v, names, 'API_KEY')}"
        if k in exchange.credential_params
        else urlencode([(k, v)]).translate(_DOUBLE_QUOTED)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    base = urlunsplit(parts._replace(query="", fragment="")).translate(_DOUBLE_QUOTED)
    return f'"{base}?{"&".join(query)}"'


_DOUBLE_QUOTED = str.maketrans({c: f"\\{c}" for c in '$`"\\'})


def _hop_records(exchange: Exchange, names: Mapping[str, str]) -> list[HopRecord]:
    """Each hop of a redirect chain with the cURL command that repeats that hop as sent."""
    records: list[HopRecord] = exchange.to_dict()["hops"]
    for record, hop in zip(records, exchange.hops, strict=True):
        sent = replace(
            exchange,
            method=hop.method,
            url=hop.url,
            request_headers=hop.request_headers,
            request_body=hop.request_body,
        )
        record["curl"] = curl_command(sent, None, names)
    return records


def curl_variables(command: str) -> dict[str, str]:
    """What each ``$VARIABLE`` of a cURL command is, for the reader."""
    found = dict.fromkeys(re.findall(r"\$([A-Z][A-Z0-9_]*)", command), "")
    return {
        name: CURL_VARIABLES.get(name, "the environment variable of that name (export it)")
        for name in found
    }


def exchange_record(
    exchange: Exchange, names: Mapping[str, str] | None = None, mask: Mask | None = None
) -> ExchangeRecord:
    """An exchange as report data: headers and bodies redacted by name, bodies masked by
    ``mask`` (known secrets) and then cut."""
    request_type = next(
        (v for k, v in exchange.request_headers.items() if k.lower() == "content-type"), ""
    )
    request_body, cut_request = _body_text(exchange.request_body, request_type, mask)
    response_body, cut_response = _body_text(exchange.body, exchange.content_type, mask)
    reuse = "json" in request_type and not cut_request
    curl = curl_command(exchange, request_body if reuse else None, names)
    # the client's own serialisation (its keys first, in order), the report's bodies and facts
    return cast(
        ExchangeRecord,
        {
            **exchange.to_dict(),
            "request_body": request_body,
            "response_body": response_body,
            "hops": _hop_records(exchange, names or {}),
            "truncated": cut_request or cut_response,
            "retried": exchange.retried,
            "expected": False,
            "waited": round(exchange.waited, 6),
            "curl": curl,
            "curl_variables": curl_variables(curl),
        },
    )
