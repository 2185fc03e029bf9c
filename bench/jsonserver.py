"""A small JSON server for the speed bench, run in a process of its own.

``python -m bench.jsonserver [--delay SECONDS]`` listens on 127.0.0.1 (a free port), prints
``listening on http://127.0.0.1:PORT`` and answers, over HTTP/1.1 keep-alive, one thread per
connection:

- ``GET /items/{id}`` -> 200: the item a POST stored under that id, else
  ``{"id": id, "name": "item-{id}", "price": "9.99", "tags": [...]}``;
- ``POST /items`` with a JSON object -> 201, the object echoed back; an object without an
  ``id`` is stored under a new one (from 1,000,000 up, never one ``GET`` makes up) and
  answered with it, as an API that creates things does;
- ``DELETE /items/{id}`` -> 204 when a POST stored it (it is gone then), else 404;
- anything else -> 404 ``{"detail": "not found"}``.

Every answer is the same small amount of work for every variant the bench compares, and with
``--delay`` each one waits that long first (an API 50 ms away). It runs apart from the measured
process so the two do not share an interpreter lock. Written on the standard library rather than
the demo shop's FastAPI: the bench measures the client side, and a server that costs little per
request (and the same every time) keeps it out of the numbers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from contextlib import AbstractContextManager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from subprocess import PIPE, Popen
from types import TracebackType
from typing import Any

ITEM = re.compile(r"/items/(\d+)")
FIRST_STORED_ID = 1_000_000  # above any id the generated suites read without storing it


def item(number: int) -> dict[str, Any]:
    """What ``GET /items/{number}`` answers."""
    return {"id": number, "name": f"item-{number}", "price": "9.99", "tags": ["bench", "json"]}


class Store:
    """The items POSTs created, shared by the server's threads (one per connection)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[int, dict[str, Any]] = {}
        self._next = FIRST_STORED_ID

    def add(self, sent: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            stored = {**sent, "id": self._next}
            self._items[self._next] = stored
            self._next += 1
        return stored

    def get(self, number: int) -> dict[str, Any] | None:
        with self._lock:
            return self._items.get(number)

    def remove(self, number: int) -> bool:
        with self._lock:
            return self._items.pop(number, None) is not None


class ItemsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one pooled connection serves a whole run
    disable_nagle_algorithm = True  # headers and body leave at once, no delayed-ACK stall
    delay = 0.0
    store = Store()

    def do_GET(self) -> None:
        found = ITEM.fullmatch(self.path)
        if found is None:
            self.answer(404, {"detail": "not found"})
        else:
            number = int(found.group(1))
            self.answer(200, self.store.get(number) or item(number))

    def do_DELETE(self) -> None:
        found = ITEM.fullmatch(self.path)
        if found is not None and self.store.remove(int(found.group(1))):
            self.answer(204, None)
        else:
            self.answer(404, {"detail": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            sent = json.loads(self.rfile.read(length))
        except ValueError:
            sent = None
        if self.path != "/items" or not isinstance(sent, dict):
            self.answer(422 if self.path == "/items" else 404, {"detail": "expected an object"})
        else:
            self.answer(201, sent if "id" in sent else self.store.add(sent))

    def answer(self, status: int, payload: dict[str, Any] | None) -> None:
        if self.delay:
            time.sleep(self.delay)
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a line per request would cost more than the answer."""


def serve(delay: float) -> None:
    handler = type("DelayedItemsHandler", (ItemsHandler,), {"delay": delay})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
        server.serve_forever()


class JsonServer(AbstractContextManager["JsonServer"]):
    """The server in a subprocess: ``with JsonServer(delay=0.05) as server: server.url``."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.url = ""
        self._process: Popen[str] | None = None

    def __enter__(self) -> JsonServer:
        command = [sys.executable, "-m", "bench.jsonserver", "--delay", str(self.delay)]
        self._process = Popen(command, stdout=PIPE, text=True)  # noqa: S603 (our own module)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("listening on "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the JSON server did not start: {line!r}")
        self.url = line.removeprefix("listening on ").strip()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.jsonserver", description=__doc__)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    with suppress(KeyboardInterrupt):
        serve(args.delay)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
