"""``python -m bench redaction``: what redaction costs as a run learns secrets, and as text grows.

Every scenario signs in, and every token it obtains becomes a secret to mask, so a long run
knows thousands. The first part measures one redaction of a typical report text (about 5 KB)
with 10 and with 2,000 known secrets, side by side, and prints the ratio: it should stay
near 1.

The memory part follows a serial run that signs in per scenario: 5,000 scenarios, each
learning its token (as the reporting plugin does from the exchange), showing it, and ending.
It prints what the redactor holds at the end when every token's fragments are kept (as before)
and when each scenario's tokens are retired as it ends (their whole forms stay masked), and
the cost of one redaction in each case.

The second part is a size sweep, 1 KB to 1 MB, of the worst text for a backtracking pattern
(:func:`worst_case`: one long JSON string, cut-off strings, runs of quotes and backslashes,
long names, a cut-off private key). Redaction is linear, so 1 MB should cost about ten times
100 KB; the old ``_KEY_VALUE`` pattern took 3.6 s on 16 KiB and 138 s on 100 KB.
"""

from __future__ import annotations

import argparse
import secrets
import time
import tracemalloc
from collections.abc import Callable
from functools import partial

from client.redaction import Redactor

TEXT = (
    "GET http://127.0.0.1:8000/products/17 -> 200 {'Accept': 'application/json',"
    " 'name': 'Desk lamp [a1b2-c3d4e5]', 'price': '29.99', 'stock': 98}\n"
) * 40

SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)

# Each piece of the worst case: what its text starts with, and what repeats to fill it.
WORST_PARTS: dict[str, tuple[str, str]] = {
    "one long JSON string": ('{"description": "', "x"),
    "a JSON string of words": ('{"description": "', "lorem ipsum dolor "),
    "cut-off strings": ("", '{"note": "cut'),
    "cut-off credentials": ("", '"token": "\\"'),
    "escaped JSON credentials": ("", '\\"token\\": \\"'),
    "quotes and backslashes": ("", "\"'\\"),
    "escaped quotes": ("", '\\"'),
    "dotted names": ("", "a."),
    "JWT-like runs": ("", "eyJa-"),
    "query separators": ("", ";&="),
    "a Bearer and a long run": ("Authorization: Bearer ", "a"),
    "cut-off private keys": ("", "-----BEGIN PRIVATE KEY-----\\nMIIE"),
}


def worst_case(size: int) -> str:
    """``size`` characters of every piece of :data:`WORST_PARTS`, in equal blocks, one a line."""
    block = size // len(WORST_PARTS)
    parts = []
    for head, repeated in WORST_PARTS.values():
        body = head + repeated * (block // len(repeated) + 1)
        parts.append(body[: block - 1])
    text = "\n".join(parts)
    return text + "x" * (size - len(text))


def best_of(rounds: int, work: Callable[[], object]) -> float:
    """The fastest of ``rounds`` runs, in CPU seconds of this process: other processes on a
    shared machine do not count, and the noise that is left only ever adds."""
    fastest = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        fastest = min(fastest, time.process_time() - started)
    return fastest


def a_redactor(known: int) -> Redactor:
    redactor = Redactor()
    for _ in range(known):
        redactor.add(secrets.token_urlsafe(32), "a token")
    return redactor


def per_redaction(known: int, rounds: int) -> float:
    redactor = a_redactor(known)
    started = time.perf_counter()
    for _ in range(rounds):
        redactor.redact(TEXT)
    return (time.perf_counter() - started) / rounds


def serial_run(scenarios: int, *, retire: bool) -> tuple[float, Redactor]:
    """MiB the redactor holds after ``scenarios`` sign-ins (tracemalloc), and the redactor."""
    tokens = [secrets.token_urlsafe(32) for _ in range(scenarios)]
    tracemalloc.start()
    try:
        redactor = Redactor()
        for token in tokens:
            redactor.add(token, "a token", scoped=True)
            redactor.redact(f"GET /users/me -> 200 Authorization: Bearer {token[:20]}...")
            if retire:
                redactor.retire_scoped()
        held = tracemalloc.get_traced_memory()[0] / 2**20
    finally:
        tracemalloc.stop()
    return held, redactor


def memory(scenarios: int, rounds: int) -> None:
    print(f"\nmemory of a serial run signing in {scenarios:,} times (a token each):")
    timings = {}
    for retire, label in ((False, "every token's fragments kept"), (True, "tokens retired")):
        held, redactor = serial_run(scenarios, retire=retire)
        timings[retire] = best_of(3, partial(_many, redactor, rounds))
        print(f"  {label + ':':<32}{held:7.1f} MiB, {redactor.fragments:>9,} fragments")
    print(f"  redaction with retired / kept tokens: {timings[True] / timings[False]:.2f}")


def _many(redactor: Redactor, rounds: int) -> None:
    for _ in range(rounds):
        redactor.redact(TEXT)


def sweep(sizes: tuple[int, ...], rounds: int) -> dict[int, float]:
    """Seconds per redaction of :func:`worst_case` at each size (10 known secrets)."""
    redactor = a_redactor(10)
    return {size: best_of(rounds, partial(redactor.redact, worst_case(size))) for size in sizes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench redaction", description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--sweep-rounds", type=int, default=3, help="best of N per size")
    parser.add_argument("--scenarios", type=int, default=5000, help="sign-ins of the memory run")
    args = parser.parse_args(argv)
    few, many = per_redaction(10, args.rounds), per_redaction(2000, args.rounds)
    print(f"redaction of {len(TEXT)} characters, {args.rounds} rounds each:")
    print(f"  10 known secrets:    {few * 1000:.2f} ms")
    print(f"  2,000 known secrets: {many * 1000:.2f} ms")
    print(f"  ratio: {many / few:.2f}")
    memory(args.scenarios, args.rounds // 10 or 1)
    print(f"\nworst-case text, best of {args.sweep_rounds} per size:")
    times = sweep(SIZES, args.sweep_rounds)
    for size, seconds in times.items():
        print(f"  {size:>9,} characters: {seconds * 1000:9.1f} ms")
    print(f"  1 MB / 100 KB: {times[1_000_000] / times[100_000]:.1f} (linear: about 10)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
