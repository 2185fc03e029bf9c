"""``python -m demo_api --port 8000``: run the shop standalone.

The user is seeded from ``API_USERNAME`` and ``API_PASSWORD`` when both are set (and
``API_TOKEN``, when set, is accepted as a pre-issued bearer token for that user, for
``--token-ttl`` seconds from start-up). Otherwise credentials are generated and written, never
printed, to a ``0600`` env file next to the database, whose path is printed;
``set -a; . that-file; set +a`` exports them for pytest. When that file already exists (a
restart on the same ``--db``), its credentials are used again, unless ``--new-credentials``.
Restarting on an existing database keeps its data; the user is updated, not added twice.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI

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
    parser.add_argument(
        "--new-credentials",
        action="store_true",
        help="generate new credentials even if the credentials file next to --db exists",
    )
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


class StartError(Exception):
    """A start-up problem the user can fix; the message is one line."""


def _say(message: str) -> None:
    print(f"demo_api: {message}", file=sys.stderr)


def _seed_user(workdir: Path, *, renew: bool, token_ttl: float) -> SeedUser:
    username, password = os.environ.get("API_USERNAME"), os.environ.get("API_PASSWORD")
    if username and password:
        token = os.environ.get("API_TOKEN", "")
        names = "API_USERNAME, API_PASSWORD" + (" and API_TOKEN" if token else "")
        _say(f"seeded the user from {names}")
        if token:
            until = time.strftime("%H:%M:%S UTC", time.gmtime(time.time() + token_ttl))
            _say(
                f"API_TOKEN is accepted for {token_ttl:g} s, until {until}; after that it gets"
                " 401 (--token-ttl sets how long)"
            )
        return SeedUser(username, password, token=token)
    env_file = workdir / "demo-credentials.env"
    if env_file.exists() and not renew:
        user = _read_credentials(env_file)
        _say(f"reusing the credentials in {env_file} (--new-credentials replaces them)")
    else:
        user = SeedUser(f"demo-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
        # A new file, so 0600 applies: an existing one would keep its own, wider, mode.
        env_file.unlink(missing_ok=True)
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"API_USERNAME={user.username}\nAPI_PASSWORD={user.password}\n")
        done = "replaced the credentials in" if renew else "generated credentials, written to"
        _say(f"{done} {env_file}")
    _say(f"export them with: set -a; . {env_file}; set +a")
    return user


def _read_credentials(env_file: Path) -> SeedUser:
    """The user in an env file this program wrote; StartError when it holds none."""
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    username, password = values.get("API_USERNAME"), values.get("API_PASSWORD")
    if not username or not password:
        raise StartError(
            f"{env_file} exists but holds no API_USERNAME and API_PASSWORD:"
            " fix it, or pass --new-credentials to replace it"
        )
    return SeedUser(username, password)


def _build(args: argparse.Namespace) -> tuple[FastAPI, Path]:
    """The app and its database file, as the options ask; StartError says what is wrong."""
    workdir = Path(tempfile.mkdtemp(prefix="demo-api-")) if args.db is None else args.db.parent
    db = args.db or workdir / "shop.sqlite3"
    if not workdir.is_dir():
        raise StartError(f"--db {db}: the directory {workdir} does not exist")
    try:
        plan = FaultPlan(
            rate=args.fault_rate,
            seed=args.fault_seed,
            retry_after=args.retry_after,
            stall=args.stall,
        )
    except ValueError as err:
        raise StartError(str(err)) from None
    if args.fault_mix:
        plan = dataclasses.replace(plan, mix=args.fault_mix)
    user = _seed_user(workdir, renew=args.new_credentials, token_ttl=args.token_ttl)
    try:
        return create_app(db, [user], token_ttl=args.token_ttl, faults=plan), db
    except sqlite3.Error as err:
        raise StartError(f"cannot use the database {db}: {err}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        app, db = _build(args)
    except StartError as err:
        print(f"python -m demo_api: error: {err}", file=sys.stderr)
        return 2
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
