"""``python -m bench NAME [options]``: run one benchmark (see ``BENCHES``)."""

from __future__ import annotations

import sys

from bench import breaking, duplicates, flakiness, history, memory, pooling, redaction, speed

BENCHES = {
    "breaking": breaking.main,
    "duplicates": duplicates.main,
    "flakiness": flakiness.main,
    "history": history.main,
    "memory": memory.main,
    "pooling": pooling.main,
    "redaction": redaction.main,
    "speed": speed.main,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHES:
        print(f"usage: python -m bench {{{','.join(BENCHES)}}} [options]", file=sys.stderr)
        return 2
    return BENCHES[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
