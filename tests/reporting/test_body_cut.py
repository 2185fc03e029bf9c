"""A body is cut at BODY_LIMIT in reports: known secrets are masked before the cut, so a
secret that straddles it leaves no head behind (a head shorter than a fragment, 12
characters, would not be recognised once cut off)."""

from __future__ import annotations

import pytest

from client import Exchange
from client.redaction import Redactor
from reporting.outbound import scenario_record
from reporting.records import BODY_LIMIT, exchange_record

SECRET = "Qz#" + "7f3a9c1e5b2d8f4a6c0e" * 2


def answered(body: bytes, content_type: str) -> Exchange:
    return Exchange(
        method="GET",
        url="http://127.0.0.1:9/export",
        request_headers={},
        request_body=None,
        status=200,
        reason="OK",
        headers={"Content-Type": content_type},
        body=body,
        started_at=0.0,
        elapsed=0.0,
    )


@pytest.mark.parametrize("before_the_cut", [1, 3, 6, 11, 12, 30])
@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_a_known_secret_straddling_the_body_cut_shows_no_part_of_it(
    before_the_cut: int, content_type: str
) -> None:
    redactor = Redactor()
    redactor.add(SECRET, "an export key")
    if content_type == "application/json":  # '{"n": "' puts the string's start at 7
        text = '{"n": "' + "x" * (BODY_LIMIT - 7 - before_the_cut) + SECRET + "y" * 99 + '"}'
    else:
        text = "x" * (BODY_LIMIT - before_the_cut) + SECRET + "y" * BODY_LIMIT
    record = exchange_record(answered(text.encode(), content_type), mask=redactor.redact)
    shown = scenario_record({"after": [record]}, redactor)["after"][0]["response_body"]
    assert shown is not None
    assert "xQz#" not in shown
    assert "x***" in shown
