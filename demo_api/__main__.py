"""``python -m demo_api --port 8000``: run the shop standalone.

The user is seeded from ``API_USERNAME`` and ``API_PASSWORD`` when both are set (and
``API_TOKEN``, when set, is accepted as a pre-issued bearer token for that user). Otherwise
credentials are generated and written, never printed, to a ``0600`` env file next to the
database, whose path is printed; ``set -a; . that-file; set +a`` exports them for pytest.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import signal
import sys
import tempfile
from pathlib import Path

from demo_api.app import create_app
from demo_api.faults import FaultPlan, parse_mix
from demo_api.mutations import MUTATIONS, apply
from demo_api.server import DemoServer
from demo_api.store import SeedUser


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo_api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (0 = any free port)")
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: a fresh temporary one)"
    )
    parser.add_argument("--token-ttl", type=float, default=900.0, help="token lifetime, seconds")
    faults = parser.add_argument_group("fault injection (off by default)")
    faults.add_argument("--fault-rate", type=float, default=0.0, help="share of requests faulted")
    faults.add_argument("--fault-seed", type=int, default=None, help="seed of the fault draws")
    faults.add_argument(
        "--fault-mix", type=parse_mix, default=None, help="kind=weight,... (default: all kinds)"
    )
    faults.add_argument(
        "--retry-after", type=int, default=1, help="seconds its Retry-After faults ask for"
    )
    faults.add_argument(
        "--stall", type=float, default=12.0, help="seconds a stalled response is held"
    )
    parser.add_argument(
        "--mutation", choices=sorted(MUTATIONS), help="answer with one deliberate breaking change"
    )
    return parser.parse_args(argv)


def _seed_user(workdir: Path) -> SeedUser:
    username, password = os.environ.get("API_USERNAME"), os.environ.get("API_PASSWORD")
    if username and password:
        token = os.environ.get("API_TOKEN", "")
        names = "API_USERNAME, API_PASSWORD" + (" and API_TOKEN" if token else "")
        print(f"demo_api: seeded the user from {names}", file=sys.stderr)
        return SeedUser(username, password, token=token)
    user = SeedUser(f"demo-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    env_file = workdir / "demo-credentials.env"
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"API_USERNAME={user.username}\nAPI_PASSWORD={user.password}\n")
    print(f"demo_api: generated credentials, written to {env_file}", file=sys.stderr)
    print(f"demo_api: export them with: set -a; . {env_file}; set +a", file=sys.stderr)
    return user


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    workdir = Path(tempfile.mkdtemp(prefix="demo-api-")) if args.db is None else args.db.parent
    db = args.db or workdir / "shop.sqlite3"
    try:
        plan = FaultPlan(
            rate=args.fault_rate,
            seed=args.fault_seed,
            retry_after=args.retry_after,
            stall=args.stall,
        )
    except ValueError as err:
        print(f"python -m demo_api: error: {err}", file=sys.stderr)
        return 2
    if args.fault_mix:
        plan = dataclasses.replace(plan, mix=args.fault_mix)
    app = create_app(db, [_seed_user(workdir)], token_ttl=args.token_ttl, faults=plan)
    if args.mutation:
        apply(app, args.mutation)
    server = DemoServer(app, host=args.host, port=args.port)
    server.start()
    # SIGTERM (a service manager, a test harness) stops as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"demo_api: serving {server.url} (database {db}); Ctrl-C stops", file=sys.stderr)
    try:
        server.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
