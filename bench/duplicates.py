"""``python -m bench duplicates``: no duplicate is ever created without a failed request saying so.

A loopback API that ignores idempotency keys (as many do) and, at ``--rate``, drops the answer
to a POST after it committed the item (the connection is reset before any response byte). Every
POST carries a unique reference; the server counts what it created per reference. The same
seeded faults meet two profiles:

- declared-none: the profile declares no ``idempotency_key`` (the truth for this API), so a
  POST whose answer was lost is not retried and fails saying "it may have been applied";
- key-assumed: the profile claims ``idempotency_key = "Idempotency-Key"`` although the API
  ignores it (what api-bdd did for every API before profiles declared it).

Prints, per profile: POSTs, answered, failures saying "may have been applied", items the
server created, duplicates, and silent duplicates (a reference created twice or more whose
request did not fail saying so). The line to check: declared-none has 0 silent duplicates.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from client import ApiClient, OutcomeUnknownError, RetryPolicy, Timeouts, TransportError
from client.profiles import Profile

PROFILES = {
    "declared-none": Profile(name="declared-none", base_url="http://127.0.0.1"),
    "key-assumed": Profile(
        name="key-assumed", base_url="http://127.0.0.1", idempotency_key="Idempotency-Key"
    ),
}
APPLIED = "it may have been applied"


@dataclass
class Ledger:
    """What the server created, per reference, and the seeded draw of lost answers."""

    rate: float
    draws: random.Random
    created: Counter[str]
    lock: threading.Lock

    def commit(self, reference: str) -> bool:
        """Create the item; True when its answer is then to be lost."""
        with self.lock:
            self.created[reference] += 1
            return self.draws.random() < self.rate


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ledger: Ledger

    def setup(self) -> None:
        super().setup()
        # headers and body are separate writes: without this each waits for a delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        reference = json.loads(self.rfile.read(length))["ref"]  # Idempotency-Key: ignored
        if self.ledger.commit(reference):
            # committed, then the answer is lost: a reset before any response byte
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            self.close_connection = True
            self.connection.close()
            return
        body = json.dumps({"ref": reference}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the resets are the point


@contextmanager
def keyless_api(ledger: Ledger) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"ledger": ledger})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(profile: Profile, posts: int, rate: float, seed: int) -> dict[str, int]:
    """``posts`` POSTs under ``profile``'s retry policy; what the client and the server saw."""
    ledger = Ledger(rate, random.Random(seed), Counter(), threading.Lock())
    said: set[str] = set()
    answered = 0
    policy = RetryPolicy(idempotency_key=profile.idempotency_key, backoff_base=0.01)
    with keyless_api(ledger) as url:
        client = ApiClient(url, retry_policy=policy, timeouts=Timeouts(read=5, deadline=30))
        for n in range(posts):
            reference = f"{profile.name}-{n}"
            try:
                client.post("/items", json={"ref": reference})
                answered += 1
            except OutcomeUnknownError as err:
                if APPLIED in str(err):
                    said.add(reference)
            except TransportError:
                pass
        client.close()
    duplicates = {ref for ref, count in ledger.created.items() if count > 1}
    return {
        "posts": posts,
        "answered": answered,
        "said": len(said),
        "created": sum(ledger.created.values()),
        "duplicates": len(duplicates),
        "silent": len(duplicates - said),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench duplicates", description=__doc__)
    parser.add_argument("--posts", type=int, default=600, help="POSTs per profile")
    parser.add_argument("--rate", type=float, default=0.1, help="share of answers lost")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    began = time.monotonic()
    results = {name: run(p, args.posts, args.rate, args.seed) for name, p in PROFILES.items()}
    print(
        f"duplicates: {args.posts} POSTs per profile against a loopback API that ignores"
        f" idempotency keys and loses {args.rate:.0%} of answers after committing, seed"
        f" {args.seed}, {time.monotonic() - began:.0f} s in all"
    )
    header = (
        f"{'profile':<14} {'posts':>6} {'answered':>9} {'said':>5} {'created':>8}"
        f" {'dup':>5} {'silent dup':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<14} {r['posts']:>6} {r['answered']:>9} {r['said']:>5} {r['created']:>8}"
            f" {r['duplicates']:>5} {r['silent']:>10}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
