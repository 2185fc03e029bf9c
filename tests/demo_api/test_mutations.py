"""Mutations: each breaks the shop's contract on the wire, and the document's check sees it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from demo_api import DemoServer, SeedUser, create_app
from demo_api.mutations import MUTATIONS, apply
from models.generate import ROOT
from models.openapi import Conformance, Violation, load_document

CONFORMANCE = Conformance(load_document("tests/suites/shop/models/shop.openapi.json", ROOT))


def tour(url: str, user: SeedUser) -> Iterator[requests.Response]:
    """One request of every kind the mutations touch."""
    with requests.Session() as http:
        yield http.post(f"{url}/auth/token", data={"username": "nobody", "password": "x"})
        token = http.post(
            f"{url}/auth/token", data={"username": user.username, "password": user.password}
        )
        yield token
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        yield http.get(f"{url}/users/me", headers=auth)
        made = http.post(
            f"{url}/products", json={"name": "Lamp", "price": "29.99", "stock": 5}, headers=auth
        )
        yield made
        product_id = made.json()["id"]
        yield http.get(f"{url}/products/{product_id}")
        yield http.get(f"{url}/products", params={"limit": 5})
        yield http.post(
            f"{url}/orders", json={"product_id": product_id, "quantity": 2}, headers=auth
        )
        yield http.get(f"{url}/orders/2147483647", headers=auth)


def violations(tmp_path: Path, mutation: str | None) -> list[Violation]:
    user = SeedUser("mutant", secrets.token_urlsafe(16))
    app = create_app(tmp_path / "shop.sqlite3", [user])
    if mutation is not None:
        apply(app, mutation)
    found: list[Violation] = []
    with DemoServer(app, log_level="critical") as server:
        for answer in tour(server.url, user):
            request = answer.request
            found += CONFORMANCE.check(
                str(request.method),
                str(request.url),
                answer.status_code,
                answer.headers,
                answer.content,
            )
    return found


def test_the_shop_unmutated_conforms_to_its_document(tmp_path: Path) -> None:
    assert violations(tmp_path, None) == []


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_every_mutation_breaks_the_document(tmp_path: Path, mutation: str) -> None:
    assert violations(tmp_path, mutation) != []


def test_an_unknown_mutation_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown mutation 'nope'; choose from renamed-field, "):
        apply(create_app(tmp_path / "shop.sqlite3"), "nope")
