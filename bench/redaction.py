"""``python -m bench redaction``: the cost of redaction as a run learns secrets.

Every scenario signs in, and every token it obtains becomes a secret to mask, so a long run
knows thousands. This measures one redaction of a typical report text (about 5 KB) with 10
and with 2,000 known secrets, side by side, and prints the ratio: it should stay near 1.
"""

from __future__ import annotations

import argparse
import secrets
import time

from client.redaction import Redactor

TEXT = (
    "GET http://127.0.0.1:8000/products/17 -> 200 {'Accept': 'application/json',"
    " 'name': 'Desk lamp [a1b2-c3d4e5]', 'price': '29.99', 'stock': 98}\n"
) * 40


def per_redaction(known: int, rounds: int) -> float:
    redactor = Redactor()
    for _ in range(known):
        redactor.add(secrets.token_urlsafe(32), "a token")
    started = time.perf_counter()
    for _ in range(rounds):
        redactor.redact(TEXT)
    return (time.perf_counter() - started) / rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench redaction", description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    few, many = per_redaction(10, args.rounds), per_redaction(2000, args.rounds)
    print(f"redaction of {len(TEXT)} characters, {args.rounds} rounds each:")
    print(f"  10 known secrets:    {few * 1000:.2f} ms")
    print(f"  2,000 known secrets: {many * 1000:.2f} ms")
    print(f"  ratio: {many / few:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
