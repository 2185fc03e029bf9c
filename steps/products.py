"""Steps about the product catalogue."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pytest_bdd import given, then, when

from models import Product, ProductPage, parse
from steps.context import ScenarioContext, expect_created, expect_status
from steps.vocabulary import step


def create_product(shop: ScenarioContext, payload: dict[str, Any]) -> None:
    """``POST /products``; a 201's id is remembered for clean-up before anything is checked."""
    shop.exchange = shop.api.post("/products", json=payload)
    shop.track(shop.exchange, shop.created_products)


def valid_product(shop: ScenarioContext) -> dict[str, Any]:
    return {"name": shop.unique("Test product"), "price": Decimal("9.99"), "stock": 10}


@when(step('I add a product "{name}" priced {price:Money} with {stock:d} in stock'))
def add_product(shop: ScenarioContext, name: str, price: Decimal, stock: int) -> None:
    """``POST /products`` with a name made unique to the scenario."""
    create_product(shop, {"name": shop.unique(name), "price": price, "stock": stock})


@given(step('a product "{name}" priced {price:Money} with {stock:d} in stock'))
@given(step("a product priced {price:Money} with {stock:d} in stock"))
def existing_product(
    shop: ScenarioContext, price: Decimal, stock: int, name: str = "Test product"
) -> None:
    """A product created through the API, checked against the Product contract."""
    create_product(shop, {"name": shop.unique(name), "price": price, "stock": stock})
    product_created(shop)


@when(step("I add a product with {field} set to {value}"))
def add_invalid_product(shop: ScenarioContext, field: str, value: str) -> None:
    """A valid product payload with one field replaced by a JSON literal."""
    payload = valid_product(shop)
    payload[field] = json.loads(value)
    create_product(shop, payload)


@then("the product is created")
def product_created(shop: ScenarioContext) -> None:
    """201, a Location header, and a Product body echoing what was sent."""
    exchange = shop.last
    product, sent = expect_created(exchange, Product)
    assert product.name == sent["name"], f"name is {product.name!r}, sent {sent['name']!r}"
    assert product.price == Decimal(str(sent["price"])), (
        f"price is {product.price}, sent {sent['price']}"
    )
    assert product.stock == sent["stock"], f"stock is {product.stock}, sent {sent['stock']}"
    location = {k.lower(): v for k, v in exchange.headers.items()}.get("location", "")
    assert location.endswith(f"/products/{product.id}"), f"Location is {location!r}"
    shop.product = product


@then("reading the product back shows the same product")
def product_reads_back(shop: ScenarioContext) -> None:
    """``GET /products/{id}`` answers exactly the created product."""
    assert shop.product is not None, "no product was created in this scenario"
    exchange = shop.api.get(f"/products/{shop.product.id}")
    expect_status(exchange, 200)
    assert parse(Product, exchange.body, where=exchange.describe()) == shop.product


@when("I list the newest products in the catalogue")
def list_newest_products(shop: ScenarioContext) -> None:
    """Read the listing's total, then its last page (products are listed oldest first)."""
    first = shop.api.get("/products", params={"limit": 1})
    expect_status(first, 200)
    total = parse(ProductPage, first.body, where=first.describe()).total
    shop.exchange = shop.api.get("/products", params={"limit": 20, "offset": max(total - 20, 0)})


@then("the listing includes the product")
def listing_includes_product(shop: ScenarioContext) -> None:
    """The page is a ProductPage and the scenario's product is on it, unchanged."""
    assert shop.product is not None, "no product was created in this scenario"
    expect_status(shop.last, 200)
    page = parse(ProductPage, shop.last.body, where=shop.last.describe())
    assert shop.product in page.items, (
        f"product {shop.product.id} is not among the {len(page.items)} listed"
        f" (offset {page.offset}, total {page.total})"
    )


@then(step("the product has {stock:d} in stock"))
def product_stock_is(shop: ScenarioContext, stock: int) -> None:
    """``GET /products/{id}`` shows ``stock`` units left."""
    assert shop.product is not None, "no product was created in this scenario"
    exchange = shop.api.get(f"/products/{shop.product.id}")
    expect_status(exchange, 200)
    product = parse(Product, exchange.body, where=exchange.describe())
    assert product.stock == stock, f"product {product.id} has {product.stock} in stock, not {stock}"
