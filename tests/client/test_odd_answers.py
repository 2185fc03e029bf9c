"""Odd answers keep their evidence and fail in one line: JSON nested 100,000 deep is recorded
(cut) without a RecursionError in the reporting listener; a header value that is not Latin-1
is one line naming the header, and a UTF-8 one from the server reads as the server meant it."""

from __future__ import annotations

import pytest

from client import ApiClient, Exchange, TransportError
from client.redaction import Redactor
from reporting.records import BODY_LIMIT, exchange_record
from reporting.secrets import learn_from_exchange
from tests.stub_server import Stub, StubHandler

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def deep(stub: Stub) -> Exchange:
    stub.route("/deep")(lambda h: h.reply(200, DEEP))
    return ApiClient(stub.url).get("/deep")


def test_json_nested_100000_deep_is_recorded_cut_without_a_recursion_error(deep: Exchange) -> None:
    record = exchange_record(deep)
    assert record["status"] == 200
    assert record["truncated"] is True
    body = record["response_body"] or ""
    assert body.startswith("[" * BODY_LIMIT)
    assert body.endswith(f"cut at {BODY_LIMIT} characters")


def test_json_nested_100000_deep_is_not_json_a_step_can_read_in_one_line(
    stub: Stub, deep: Exchange
) -> None:
    with pytest.raises(ValueError, match=r"^GET .*/deep -> 200: response body is JSON nested too"):
        deep.json()


def test_learning_secrets_from_json_nested_100000_deep_does_not_raise(deep: Exchange) -> None:
    learn_from_exchange(Redactor(), deep)  # the body holds no credential: nothing to learn


def test_a_request_header_value_that_is_not_latin_1_is_one_line_naming_the_header(
    stub: Stub,
) -> None:
    with pytest.raises(TransportError) as caught:
        ApiClient(stub.url).get("/x", headers={"X-Name": "José 日本"})
    assert str(caught.value) == (
        f"GET {stub.url}/x: the value of the X-Name header is not Latin-1 text, which an HTTP"
        " header cannot carry; percent-encode it or send it in the body"
    )
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert stub.state.seen == []  # nothing was sent


def test_a_utf_8_response_header_value_reads_as_the_server_meant_it(stub: Stub) -> None:
    def utf8(h: StubHandler) -> None:
        h.send_response(200)
        h._headers_buffer.append("X-Name: José 日本\r\n".encode())  # type: ignore[attr-defined]
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"{}")

    stub.route("/utf8")(utf8)
    assert ApiClient(stub.url).get("/utf8").headers["X-Name"] == "José 日本"
