"""Fixtures for the framework's own tests: a fresh demo shop per test, with a movable clock."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from demo_api import DemoServer, SeedUser, create_app

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Shop:
    url: str
    user: SeedUser
    clock: Clock
    http: requests.Session

    def token(self) -> str:
        answer = self.http.post(
            f"{self.url}/auth/token",
            data={"username": self.user.username, "password": self.user.password},
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def product(self, price: str = "29.99", stock: int = 100, name: str = "Lamp") -> int:
        answer = self.http.post(
            f"{self.url}/products",
            json={"name": name, "price": price, "stock": stock},
            headers=self.auth(),
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    """A demo shop on a free loopback port over a fresh database, stopped after the test."""
    user = SeedUser(f"user-{secrets.token_hex(3)}", secrets.token_urlsafe(24))
    clock = Clock()
    app = create_app(tmp_path / "shop.sqlite3", [user], token_ttl=60, clock=clock)
    with DemoServer(app) as server, requests.Session() as http:
        yield Shop(server.url, user, clock, http)
