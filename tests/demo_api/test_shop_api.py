"""The demo shop's HTTP contract, over a real socket and a real SQLite file."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests

from tests.conftest import Shop


def test_token_is_issued_for_the_right_password(shop: Shop) -> None:
    answer = shop.http.post(
        f"{shop.url}/auth/token",
        data={"username": shop.user.username, "password": shop.user.password},
    )
    body = answer.json()
    assert answer.status_code == 200
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 60
    assert len(body["access_token"]) >= 32


def test_wrong_password_gets_401_problem_without_echoing_the_password(shop: Shop) -> None:
    answer = shop.http.post(
        f"{shop.url}/auth/token", data={"username": shop.user.username, "password": "wrong-pw-123"}
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["title"] == "Unauthorized"
    assert "wrong-pw-123" not in answer.text


def test_tokens_expire(shop: Shop) -> None:
    headers = shop.auth()
    assert shop.http.get(f"{shop.url}/users/me", headers=headers).status_code == 200
    shop.clock.now += 61
    answer = shop.http.get(f"{shop.url}/users/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "invalid or expired token"


def test_tokens_are_opaque_and_unique(shop: Shop) -> None:
    assert shop.token() != shop.token()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/products", {"name": "x", "price": "1.00", "stock": 1}),
        ("DELETE", "/products/1", None),
        ("POST", "/orders", {"product_id": 1, "quantity": 1}),
        ("DELETE", "/orders/1", None),
        ("GET", "/users/me", None),
        ("GET", "/orders", None),
    ],
)
def test_writes_and_private_reads_need_a_bearer_token(
    shop: Shop, method: str, path: str, body: object
) -> None:
    answer = shop.http.request(method, f"{shop.url}{path}", json=body)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_current_user_and_user_by_id_agree(shop: Shop) -> None:
    headers = shop.auth()
    me = shop.http.get(f"{shop.url}/users/me", headers=headers).json()
    assert me["username"] == shop.user.username
    by_id = shop.http.get(f"{shop.url}/users/{me['id']}", headers=headers)
    assert by_id.json() == me
    assert shop.http.get(f"{shop.url}/users/999", headers=headers).status_code == 404


def test_product_is_created_read_back_and_listed_with_pagination(shop: Shop) -> None:
    ids = [shop.product(name=f"p{i}") for i in range(5)]
    one = shop.http.get(f"{shop.url}/products/{ids[0]}").json()
    assert one == {
        "id": ids[0],
        "name": "p0",
        "price": "29.99",
        "stock": 100,
        "created_at": one["created_at"],
    }
    page = shop.http.get(f"{shop.url}/products", params={"limit": 2, "offset": 2}).json()
    assert [p["id"] for p in page["items"]] == ids[2:4]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)


def test_product_create_answers_location(shop: Shop) -> None:
    answer = shop.http.post(
        f"{shop.url}/products",
        json={"name": "Lamp", "price": 1, "stock": 0},
        headers=shop.auth(),
    )
    assert answer.status_code == 201
    assert answer.headers["location"] == f"/products/{answer.json()['id']}"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("price", -1), ("price", "0.001"), ("stock", -5), ("stock", "many")],
)
def test_invalid_product_gets_422_naming_the_field(shop: Shop, field: str, value: object) -> None:
    payload: dict[str, object] = {"name": "Lamp", "price": "1.00", "stock": 1, field: value}
    answer = shop.http.post(f"{shop.url}/products", json=payload, headers=shop.auth())
    body = answer.json()
    assert answer.status_code == 422
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["detail"].startswith(f"invalid request: {field}: ")


def test_unknown_fields_are_rejected(shop: Shop) -> None:
    payload = {"name": "Lamp", "price": "1.00", "stock": 1, "colour": "red"}
    answer = shop.http.post(f"{shop.url}/products", json=payload, headers=shop.auth())
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "colour", "message": "Extra inputs are not permitted"}
    ]


def test_order_total_is_exact_and_stock_is_taken(shop: Shop) -> None:
    product = shop.product(price="29.99", stock=100)
    answer = shop.http.post(
        f"{shop.url}/orders", json={"product_id": product, "quantity": 2}, headers=shop.auth()
    )
    order = answer.json()
    assert answer.status_code == 201
    assert (order["unit_price"], order["total"], order["quantity"]) == ("29.99", "59.98", 2)
    assert Decimal(order["total"]) == Decimal(order["unit_price"]) * 2
    assert shop.http.get(f"{shop.url}/products/{product}").json()["stock"] == 98


def test_order_beyond_stock_gets_409_and_leaves_stock(shop: Shop) -> None:
    product = shop.product(stock=100)
    answer = shop.http.post(
        f"{shop.url}/orders", json={"product_id": product, "quantity": 101}, headers=shop.auth()
    )
    assert answer.status_code == 409
    assert "requested 101, available 100" in answer.json()["detail"]
    assert shop.http.get(f"{shop.url}/products/{product}").json()["stock"] == 100


def test_order_for_unknown_product_gets_404(shop: Shop) -> None:
    answer = shop.http.post(
        f"{shop.url}/orders", json={"product_id": 4242, "quantity": 1}, headers=shop.auth()
    )
    assert answer.status_code == 404
    assert answer.json()["detail"] == "product 4242 not found"


def test_concurrent_orders_never_oversell(shop: Shop) -> None:
    product = shop.product(stock=100)
    headers = shop.auth()
    start = threading.Barrier(20)

    def order() -> int:
        with requests.Session() as http:
            start.wait()
            return http.post(
                f"{shop.url}/orders",
                json={"product_id": product, "quantity": 10},
                headers=headers,
            ).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = sorted(pool.map(lambda _: order(), range(20)))
    assert statuses == [201] * 10 + [409] * 10
    assert shop.http.get(f"{shop.url}/products/{product}").json()["stock"] == 0
    orders = shop.http.get(
        f"{shop.url}/orders", params={"product_id": product, "limit": 100}, headers=headers
    ).json()
    assert orders["total"] == 10


def test_cancelling_an_order_returns_its_stock(shop: Shop) -> None:
    product, headers = shop.product(stock=10), shop.auth()
    order = shop.http.post(
        f"{shop.url}/orders", json={"product_id": product, "quantity": 4}, headers=headers
    ).json()
    assert shop.http.delete(f"{shop.url}/orders/{order['id']}", headers=headers).status_code == 204
    assert shop.http.get(f"{shop.url}/products/{product}").json()["stock"] == 10
    assert shop.http.get(f"{shop.url}/orders/{order['id']}", headers=headers).status_code == 404
    assert shop.http.delete(f"{shop.url}/orders/{order['id']}", headers=headers).status_code == 404


def test_product_with_open_orders_cannot_be_deleted(shop: Shop) -> None:
    product, headers = shop.product(stock=10), shop.auth()
    order = shop.http.post(
        f"{shop.url}/orders", json={"product_id": product, "quantity": 1}, headers=headers
    ).json()
    refused = shop.http.delete(f"{shop.url}/products/{product}", headers=headers)
    assert refused.status_code == 409
    shop.http.delete(f"{shop.url}/orders/{order['id']}", headers=headers)
    assert shop.http.delete(f"{shop.url}/products/{product}", headers=headers).status_code == 204
    assert shop.http.get(f"{shop.url}/products/{product}").status_code == 404


def test_orders_can_be_listed_by_product(shop: Shop) -> None:
    first, second, headers = shop.product(), shop.product(), shop.auth()
    for product in (first, second, first):
        shop.http.post(
            f"{shop.url}/orders", json={"product_id": product, "quantity": 1}, headers=headers
        )
    listed = shop.http.get(
        f"{shop.url}/orders", params={"product_id": first}, headers=headers
    ).json()
    assert [o["product_id"] for o in listed["items"]] == [first, first]
    assert listed["total"] == 2


def test_every_error_is_problem_json(shop: Shop) -> None:
    for answer in (
        shop.http.get(f"{shop.url}/no-such-route"),
        shop.http.get(f"{shop.url}/products", params={"limit": 0}),
        shop.http.put(f"{shop.url}/products"),
    ):
        body = answer.json()
        assert answer.headers["content-type"] == "application/problem+json"
        assert set(body) >= {"type", "title", "status", "detail", "instance"}
        assert body["status"] == answer.status_code


def test_openapi_document_is_served(shop: Shop) -> None:
    spec = shop.http.get(f"{shop.url}/openapi.json").json()
    assert {"/auth/token", "/users/me", "/products", "/orders/{order_id}"} <= set(spec["paths"])
