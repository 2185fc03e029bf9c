"""``--api-deadline`` covers the whole answer, headers included: a server that sends its status
line and headers a byte at a time is cut at the deadline, not when it chooses to finish."""

from __future__ import annotations

import threading
import time

import pytest

from client import ApiClient, DeadlineExceededError, OutcomeUnknownError, Timeouts, no_retries
from tests.stub_server import Stub, StubHandler

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"p" * 40 + b"\r\n"


class Dribble:
    """Writes the headers a byte every 50 ms (about 4 s in all); says whether it got to the end
    or the client cut it off."""

    def __init__(self) -> None:
        self.outcome = ""
        self.done = threading.Event()

    def __call__(self, h: StubHandler) -> None:
        try:
            for byte in HEAD:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.05)  # the server's pace, not the test's: the dribble being tested
            h.wfile.write(b"Content-Length: 2\r\n\r\n{}")
            h.wfile.flush()
            self.outcome = "finished"
        except OSError:
            self.outcome = "cut"
        finally:
            h.close_connection = True
            self.done.set()


@pytest.fixture
def dribble(stub: Stub) -> Dribble:
    route = Dribble()
    stub.route("/slow")(route)
    return route


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_deadline(
    stub: Stub, dribble: Dribble
) -> None:
    client = ApiClient(stub.url, timeouts=Timeouts(read=2, deadline=0.5), retry_policy=no_retries())
    with pytest.raises(DeadlineExceededError) as caught:
        client.get("/slow")
    assert str(caught.value) == (
        f"GET {stub.url}/slow: no complete response within the 0.5 s request deadline after"
        " 1 attempt (last: read-timeout)"
    )
    assert dribble.done.wait(10)
    assert dribble.outcome == "cut"  # the client hung up; it did not wait for the last byte


def test_a_post_whose_headers_dribble_past_the_deadline_may_have_been_applied(
    stub: Stub, dribble: Dribble
) -> None:
    stub.route("/items")(dribble)
    client = ApiClient(stub.url, timeouts=Timeouts(read=2, deadline=0.5))
    with pytest.raises(OutcomeUnknownError, match="it may have been applied"):
        client.post("/items", json={})
    assert dribble.done.wait(10)
    assert dribble.outcome == "cut"
