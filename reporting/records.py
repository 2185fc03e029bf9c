"""Plain-data records of a scenario run: what the living documentation is made from.

Built in the process that runs the scenario, carried on the TestReport (JSON-safe, so xdist
carries it), redacted there, and read on the controller. No pytest import.

A scenario record::

    {"id": nodeid, "feature": {...}, "rule": {...} | None, "keyword", "name", "line", "tags",
     "description", "example": {"index", "values"} | None, "status", "duration",
     "steps": [{"keyword", "text", "line", "type", "background", "datatable", "docstring",
                "status", "duration", "error", "function", "exchanges": [...]}],
     "after": [exchanges made after the last step: clean-up]}

Statuses are Cucumber's: passed, failed, skipped, undefined, ambiguous.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
from typing import Any
from urllib.parse import parse_qsl, urlencode

from client import Exchange
from client.redaction import MASK, is_sensitive_name, redact_json

BODY_LIMIT = 16 * 1024  # characters of a body kept in a report

# Secret headers and form fields become references to the variable a reader would export.
_ENV_FOR_HEADER = {"authorization": "API_TOKEN", "x-api-key": "API_KEY", "cookie": "API_COOKIE"}
_ENV_FOR_FIELD = {"password": "API_PASSWORD", "username": "API_USERNAME"}
_SKIP_CURL_HEADERS = {"content-length", "accept-encoding", "connection", "user-agent"}


def feature_record(feature: Any, rootpath: str) -> dict[str, Any]:
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


def scenario_record(
    nodeid: str,
    scenario: Any,
    template: Any,
    rootpath: str,
    example_index: int | None,
    example_values: dict[str, str] | None,
    functions: list[str | None],
) -> dict[str, Any]:
    """The skeleton of a scenario run: every step, not yet run."""
    rule = scenario.rule
    background_lines = set()
    for background in (scenario.feature.background, rule.background if rule else None):
        if background is not None:
            background_lines |= {s.line_number for s in background.steps}
    steps = []
    for index, step in enumerate(scenario.steps):
        steps.append(
            {
                "keyword": step.keyword.strip(),
                "text": step.name,
                "line": step.line_number,
                "type": step.type,
                "background": step.line_number in background_lines,
                "datatable": _datatable(step),
                "docstring": step.docstring,
                "status": "skipped",
                "duration": 0.0,
                "error": None,
                "function": functions[index] if index < len(functions) else None,
                "exchanges": [],
            }
        )
    return {
        "id": nodeid,
        "feature": feature_record(scenario.feature, rootpath),
        "rule": None
        if rule is None
        else {
            "keyword": rule.keyword,
            "name": rule.name,
            "description": (rule.description or "").strip("\n"),
            "tags": sorted(rule.tags),
        },
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
        "steps": steps,
        "after": [],
    }


def _body_text(body: bytes | None, content_type: str) -> tuple[str | None, bool]:
    """A body as redacted text, cut at BODY_LIMIT; (text, cut). JSON is kept on one line (the
    C encoder: indenting takes the pure-Python one, 5x slower); the page indents it on display."""
    if body is None:
        return None, False
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            text = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
    elif "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(text, keep_blank_values=True)
        text = urlencode([(k, MASK if is_sensitive_name(k) else v) for k, v in pairs], safe="*")
    cut = len(text) > BODY_LIMIT
    return (text[:BODY_LIMIT] + f"\n… cut at {BODY_LIMIT} characters" if cut else text), cut


def curl_command(exchange: Exchange, json_body: str | None = None) -> str:
    """A cURL command that repeats the request, secrets as ``$VARIABLE`` references.

    ``json_body``: the request's JSON body already redacted (see ``_body_text``), so it is not
    parsed twice; None: parsed here."""
    parts = ["curl", "-X", exchange.method, shlex.quote(exchange.url)]
    for name, value in exchange.request_headers.items():
        lowered = name.lower()
        if lowered in _SKIP_CURL_HEADERS or lowered == "idempotency-key":
            continue
        if is_sensitive_name(name):
            variable = _ENV_FOR_HEADER.get(lowered, "API_SECRET")
            scheme = value.split(" ", 1)[0] + " " if " " in value else ""
            parts += ["-H", f'"{name}: {scheme}${variable}"']
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
                if is_sensitive_name(key) or key in _ENV_FOR_FIELD:
                    variable = _ENV_FOR_FIELD.get(key, "API_SECRET")
                    parts += ["--data-urlencode", f'"{key}=${variable}"']
                else:
                    parts += ["--data-urlencode", shlex.quote(f"{key}={val}")]
        else:
            if json_body is not None:
                text = json_body
            elif "json" in content_type:
                with contextlib.suppress(ValueError):
                    text = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
            parts += ["--data-raw", shlex.quote(text)]
    return " ".join(parts)


def exchange_record(exchange: Exchange) -> dict[str, Any]:
    """An exchange as report data: headers and bodies redacted by name, bodies cut."""
    data = exchange.to_dict()
    request_type = next(
        (v for k, v in exchange.request_headers.items() if k.lower() == "content-type"), ""
    )
    data["request_body"], cut_request = _body_text(exchange.request_body, request_type)
    data["response_body"], cut_response = _body_text(exchange.body, exchange.content_type)
    data["truncated"] = cut_request or cut_response
    data["retried"] = exchange.retried
    data["waited"] = round(exchange.waited, 6)
    reuse = "json" in request_type and not cut_request
    data["curl"] = curl_command(exchange, data["request_body"] if reuse else None)
    return data
