"""The shop's SQLite store: ids never reused, restarts on the same file, older files migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from demo_api.store import Conflict, SeedUser, Store

# The schema of the demo API before ids were made AUTOINCREMENT, as it was.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
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
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents > 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id               INTEGER PRIMARY KEY,
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
INSERT INTO products VALUES (1, 'kept', 250, 5, '2026-01-01T00:00:00Z');
INSERT INTO products VALUES (2, 'newest', 250, 5, '2026-01-01T00:00:00Z');
INSERT INTO users VALUES (1, 'alice', 'a@example.test', 'Alice', x'00', x'00', '2026-01-01');
INSERT INTO orders VALUES (1, 1, 1, 1, 250, 250, '2026-01-01T00:00:00Z');
"""


def test_the_id_of_a_deleted_newest_product_is_never_reused(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite3")
    store.create_product("first", 250, 1)
    newest = store.create_product("newest", 250, 1)["id"]
    store.delete_product(newest)
    assert store.create_product("another", 250, 1)["id"] == newest + 1


def test_the_id_of_a_cancelled_newest_order_is_never_reused(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite3")
    user = store.add_user(SeedUser("u", "password-123456"))
    product = store.create_product("p", 250, 10)["id"]
    newest = store.create_order(product, 1, user)["id"]
    store.cancel_order(newest)
    assert store.create_order(product, 1, user)["id"] == newest + 1


def test_an_older_database_is_migrated_so_ids_are_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    store = Store(path)
    assert store.get_product(1)["name"] == "kept"  # the data survives the migration
    assert store.get_order(1)["product_id"] == 1
    with pytest.raises(Conflict):  # the order still refers to its product
        store.delete_product(1)
    store.delete_product(2)
    assert store.create_product("another", 250, 1)["id"] == 3
    store.close()
    reopened = Store(path)  # migrated once: opening again changes nothing
    assert [p["id"] for p in reopened.list_products(10, 0)[0]] == [1, 3]


def test_adding_a_user_that_exists_updates_it_instead_of_failing(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite3")
    first = store.add_user(SeedUser("alice", "old-password-123"))
    again = store.add_user(SeedUser("alice", "new-password-456"))
    assert again == first
    assert store.authenticate("alice", "new-password-456") == first
    assert store.authenticate("alice", "old-password-123") is None


def test_a_pre_issued_token_seen_again_gets_a_new_lifetime(tmp_path: Path) -> None:
    now = [1000.0]
    store = Store(tmp_path / "shop.sqlite3", token_ttl=60, clock=lambda: now[0])
    user = store.add_user(SeedUser("alice", "password-123456"))
    store.issue_token(user, "pre-issued-token-value")
    now[0] += 50
    store.issue_token(user, "pre-issued-token-value")
    now[0] += 50  # 100 s after the first issue, 50 s after the second
    assert store.user_for_token("pre-issued-token-value") == user
