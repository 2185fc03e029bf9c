"""Strict contracts: a changed response fails naming model and field, never echoing values."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from models import ContractError, parse
from tests.suites.shop.models.shop import Order, Problem, Product, ProductPage, Token, User

PRODUCT: dict[str, Any] = {
    "id": 7,
    "name": "Desk lamp",
    "price": "29.99",
    "stock": 100,
    "created_at": "2026-11-25T10:00:00.123456Z",
}


def body(**changes: Any) -> bytes:
    data = {**PRODUCT, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


def test_a_matching_product_parses_with_exact_money() -> None:
    product = parse(Product, body())
    assert product.price == Decimal("29.99")
    assert product.created_at.tzinfo is not None


def test_an_added_field_is_named() -> None:
    with pytest.raises(ContractError) as caught:
        parse(Product, body(discount="5.00"))
    assert str(caught.value) == (
        "response does not match Product (field discount: Extra inputs are not permitted)"
    )


def test_a_removed_field_is_named() -> None:
    with pytest.raises(ContractError, match=r"\(field stock: Field required\)"):
        parse(Product, body(stock=...))


@pytest.mark.parametrize(
    ("change", "field"),
    [({"stock": "100"}, "stock"), ({"id": 7.5}, "id"), ({"name": 5}, "name")],
)
def test_types_are_not_coerced(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ContractError) as caught:
        parse(Product, body(**change))
    assert [p[0] for p in caught.value.problems] == [field]


def test_values_are_never_echoed() -> None:
    secret = "sk_live_do-not-print-me-0123456789"
    with pytest.raises(ContractError) as caught:
        parse(Product, body(name={"api_key": secret}, extra=secret))
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.problems)


def test_nested_paths_are_named_with_indexes() -> None:
    page = {"items": [PRODUCT, {**PRODUCT, "price": "free"}], "total": 2, "limit": 20, "offset": 0}
    with pytest.raises(ContractError, match=r"items\[1\]\.price: "):
        parse(ProductPage, json.dumps(page))


def test_where_prefixes_the_message() -> None:
    with pytest.raises(ContractError, match=r"^GET /products/7 -> 200: response does not match"):
        parse(Product, b"{}", where="GET /products/7 -> 200")


@pytest.mark.parametrize("raw", [b"<html>oops</html>", b"", b'{"id": 7'])
def test_a_body_that_is_not_json_is_a_contract_error(raw: bytes) -> None:
    with pytest.raises(ContractError, match=r"\(root\): Invalid JSON"):
        parse(Product, raw)


def test_contract_error_is_an_assertion_error() -> None:
    assert issubclass(ContractError, AssertionError)


def test_token_repr_hides_the_token() -> None:
    token = parse(
        Token,
        b'{"access_token": "abcdefghijklmnop-secret", "token_type": "bearer", "expires_in": 9}',
    )
    assert "abcdefghijklmnop-secret" not in repr(token)


def test_order_user_and_problem_parse() -> None:
    order = parse(
        Order,
        b'{"id": 1, "product_id": 7, "quantity": 2, "unit_price": "29.99", "total": "59.98",'
        b' "created_at": "2026-11-25T10:00:00Z"}',
    )
    assert order.total == order.unit_price * order.quantity
    user = parse(
        User,
        b'{"id": 1, "username": "u", "email": "u@x.test", "full_name": "U",'
        b' "created_at": "2026-11-25T10:00:00Z"}',
    )
    assert user.username == "u"
    problem = parse(
        Problem,
        b'{"type": "about:blank", "title": "Unprocessable Entity", "status": 422, "detail": "d",'
        b' "instance": "/products", "errors": [{"field": "price", "message": "m"}]}',
    )
    assert problem.errors is not None
    assert problem.errors[0].field == "price"


def test_naive_timestamps_break_the_contract() -> None:
    with pytest.raises(ContractError, match="created_at"):
        parse(Product, body(created_at="2026-11-25T10:00:00"))


@pytest.mark.parametrize("price", [29.99, 30])
def test_money_as_a_json_number_breaks_the_contract(price: float) -> None:
    with pytest.raises(ContractError) as caught:
        parse(Product, body(price=price))
    assert caught.value.problems == [
        ("price", "money must be a decimal string such as '29.99'", "money_type")
    ]
