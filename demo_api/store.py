"""SQLite persistence for the demo shop: schema, users, tokens, products and orders.

One database file per server instance, one connection, used from the event loop only (every
route is ``async`` and never awaits while a transaction is open), so requests are serialized
without locks. Stock is still taken with a conditional ``UPDATE ... WHERE stock >= ?`` inside
``BEGIN IMMEDIATE``, so the invariant holds even if two processes share the file.

Money is stored as integer cents; the HTTP layer converts to and from exact decimals.

Ids are never reused (``AUTOINCREMENT``): a DELETE retried after its answer was lost must
never land on a row another client created since under the same id. A database written by an
older demo API (plain ``INTEGER PRIMARY KEY``) is migrated when opened.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents > 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id       INTEGER NOT NULL REFERENCES products(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL,
    total_cents      INTEGER NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_product ON orders(product_id);
CREATE TABLE IF NOT EXISTS idempotency (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
    status      INTEGER,
    headers     TEXT,
    body        BLOB,
    created_at  REAL NOT NULL
);
"""

# PRAGMA user_version: 1 = ids never reused (AUTOINCREMENT).
SCHEMA_VERSION = 1
_ID_TABLES = ("users", "products", "orders")

# Keys are kept a day (the draft leaves the window to the server).
IDEMPOTENCY_TTL = 24 * 3600.0

# Cheap enough to sign in once per scenario (~10 ms); the embedded server's passwords are
# random 32-byte strings, so key stretching is not what protects them.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1}


@dataclass(frozen=True)
class SeedUser:
    """A user created when the store opens; ``token``: a pre-issued bearer token to accept.

    ``repr`` hides the password and the token.
    """

    username: str
    password: str
    email: str = ""
    full_name: str = ""
    token: str = ""

    def __repr__(self) -> str:
        return f"SeedUser(username={self.username!r}, password='**********')"


class NotFound(Exception):
    """The addressed row does not exist."""


class Conflict(Exception):
    """The write would break an invariant (short stock, a product still ordered)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """The shop's data. Methods return plain dicts shaped like the rows."""

    def __init__(
        self, path: Path, *, token_ttl: float = 900.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.token_ttl = token_ttl
        self.clock = clock
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._migrate()
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # Every order ever created, by product, cancelled ones included: the fault benchmark
        # compares it with the orders the scenarios meant to create.
        self.orders_created: Counter[int] = Counter()
        self.idempotent_replays = 0

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        """Rebuild the tables of an older database so that their ids are never reused.

        SQLite's way to change a table's definition: create the new table, copy, drop the old,
        rename (with foreign keys off, so nothing cascades). Ids deleted before the migration
        above the highest one left can be handed out once more; none after it.
        """
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        definitions = {
            name: sql
            for name, sql in self._db.execute("SELECT name, sql FROM sqlite_master")
            if name in _ID_TABLES and "AUTOINCREMENT" not in sql.upper()
        }
        if not definitions:
            return
        with self._transaction() as db:
            for table in _ID_TABLES:
                if table in definitions:
                    new = definitions[table].replace("PRIMARY KEY", "PRIMARY KEY AUTOINCREMENT", 1)
                    db.execute(new.replace(table, f"{table}_migrated", 1))
                    db.execute(f"INSERT INTO {table}_migrated SELECT * FROM {table}")  # noqa: S608
                    db.execute(f"DROP TABLE {table}")
                    db.execute(f"ALTER TABLE {table}_migrated RENAME TO {table}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- users and tokens ------------------------------------------------------------------
    def add_user(self, user: SeedUser) -> int:
        """Create the user, or, when the name is taken (a restart on the same database), give
        the existing user this password, e-mail and full name; return the user's id."""
        salt = secrets.token_bytes(16)
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO users (username, email, full_name, password_salt, password_hash,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (username) DO UPDATE SET email = excluded.email,"
                " full_name = excluded.full_name, password_salt = excluded.password_salt,"
                " password_hash = excluded.password_hash"
                " RETURNING id",
                (
                    user.username,
                    user.email or f"{user.username}@example.test",
                    user.full_name or user.username,
                    salt,
                    _hash_password(user.password, salt),
                    _now(),
                ),
            ).fetchone()
        return int(row["id"])

    def authenticate(self, username: str, password: str) -> int | None:
        """Return the user id when the password matches, else None (in constant time)."""
        row = self._db.execute(
            "SELECT id, password_salt, password_hash FROM users WHERE username = ?", (username,)
        ).fetchone()
        salt = row["password_salt"] if row else b"\0" * 16
        candidate = _hash_password(password, salt)
        if row is None or not hmac.compare_digest(candidate, row["password_hash"]):
            return None
        return int(row["id"])

    def issue_token(self, user_id: int, token: str | None = None) -> tuple[str, int]:
        """A new bearer token for the user (``token``: a pre-issued value to accept instead)."""
        token = token or secrets.token_urlsafe(32)
        now = self.clock()
        with self._transaction() as db:
            db.execute("DELETE FROM tokens WHERE expires_at < ?", (now,))
            db.execute(  # a pre-issued token seen again (a restart) gets a new lifetime
                "INSERT INTO tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id,"
                " expires_at = excluded.expires_at",
                (_token_hash(token), user_id, now + self.token_ttl),
            )
        return token, int(self.token_ttl)

    def user_for_token(self, token: str) -> int | None:
        row = self._db.execute(
            "SELECT user_id FROM tokens WHERE token_hash = ? AND expires_at > ?",
            (_token_hash(token), self.clock()),
        ).fetchone()
        return None if row is None else int(row["user_id"])

    def get_user(self, user_id: int) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT id, username, email, full_name, created_at FROM users WHERE id = ?",
            (user_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"user {user_id}")
        return dict(row)

    # -- products --------------------------------------------------------------------------
    def create_product(self, name: str, price_cents: int, stock: int) -> dict[str, Any]:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO products (name, price_cents, stock, created_at) VALUES (?, ?, ?, ?)",
                (name, price_cents, stock, _now()),
            )
        assert cur.lastrowid is not None
        return self.get_product(cur.lastrowid)

    def get_product(self, product_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()
        if row is None:
            raise NotFound(f"product {product_id}")
        return dict(row)

    def list_products(self, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        rows = self._db.execute(
            "SELECT * FROM products ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        total = self._db.execute("SELECT COUNT(*) FROM products").fetchone()[0]
        return [dict(r) for r in rows], int(total)

    def delete_product(self, product_id: int) -> None:
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone() is None:
                raise NotFound(f"product {product_id}")
            open_orders = db.execute(
                "SELECT COUNT(*) FROM orders WHERE product_id = ?", (product_id,)
            ).fetchone()[0]
            if open_orders:
                raise Conflict(
                    f"product {product_id} is referenced by {open_orders} open order(s);"
                    " cancel them first"
                )
            db.execute("DELETE FROM products WHERE id = ?", (product_id,))

    # -- orders ----------------------------------------------------------------------------
    def create_order(self, product_id: int, quantity: int, user_id: int) -> dict[str, Any]:
        with self._transaction() as db:
            product = db.execute(
                "SELECT price_cents, stock FROM products WHERE id = ?", (product_id,)
            ).fetchone()
            if product is None:
                raise NotFound(f"product {product_id}")
            taken = db.execute(
                "UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?",
                (quantity, product_id, quantity),
            ).rowcount
            if taken != 1:
                raise Conflict(
                    f"insufficient stock for product {product_id}: requested {quantity},"
                    f" available {product['stock']}"
                )
            unit = int(product["price_cents"])
            cur = db.execute(
                "INSERT INTO orders (product_id, user_id, quantity, unit_price_cents,"
                " total_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (product_id, user_id, quantity, unit, unit * quantity, _now()),
            )
        assert cur.lastrowid is not None
        self.orders_created[product_id] += 1
        return self.get_order(cur.lastrowid)

    def get_order(self, order_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            raise NotFound(f"order {order_id}")
        return dict(row)

    def list_orders(
        self, limit: int, offset: int, product_id: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        where, args = (
            ("WHERE product_id = ?", (product_id,)) if product_id is not None else ("", ())
        )
        rows = self._db.execute(
            f"SELECT * FROM orders {where} ORDER BY id LIMIT ? OFFSET ?",  # noqa: S608
            (*args, limit, offset),
        ).fetchall()
        total = self._db.execute(f"SELECT COUNT(*) FROM orders {where}", args).fetchone()[0]  # noqa: S608
        return [dict(r) for r in rows], int(total)

    def cancel_order(self, order_id: int) -> None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT product_id, quantity FROM orders WHERE id = ?", (order_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"order {order_id}")
            db.execute("DELETE FROM orders WHERE id = ?", (order_id,))
            db.execute(
                "UPDATE products SET stock = stock + ? WHERE id = ?",
                (row["quantity"], row["product_id"]),
            )

    # -- idempotency keys ------------------------------------------------------------------
    def idempotency_get(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM idempotency WHERE key = ? AND created_at > ?",
            (key, self.clock() - IDEMPOTENCY_TTL),
        ).fetchone()
        return None if row is None else dict(row)

    def idempotency_begin(self, key: str, fingerprint: str) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM idempotency WHERE created_at <= ?", (self.clock() - IDEMPOTENCY_TTL,)
            )
            db.execute(
                "INSERT INTO idempotency (key, fingerprint, state, created_at)"
                " VALUES (?, ?, 'in-flight', ?)",
                (key, fingerprint, self.clock()),
            )

    def idempotency_finish(self, key: str, status: int, headers: str, body: bytes) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE idempotency SET state = 'done', status = ?, headers = ?, body = ?"
                " WHERE key = ?",
                (status, headers, body, key),
            )

    def idempotency_forget(self, key: str, *, only_in_flight: bool) -> None:
        condition = " AND state = 'in-flight'" if only_in_flight else ""
        with self._transaction() as db:
            db.execute(f"DELETE FROM idempotency WHERE key = ?{condition}", (key,))  # noqa: S608
