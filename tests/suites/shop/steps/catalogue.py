"""Steps about the product catalogue."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tests.suites.shop.models.shop import Product, ProductPage
from steps import Context, expect_created, expect_model, expect_status, given, then, when
from tests.suites.shop.steps.state import Shop


def create_product(shop: Shop, payload: dict[str, Any]) -> None:
    """``POST /products``; what it creates is removed when the scenario ends."""
    shop.ctx.send("POST", "/products", json=payload, undo="DELETE /products/{id}")


@when('I add a product "{name}" priced {price:Money} with {stock:d} in stock')
def add_product(shop: Shop, name: str, price: Decimal, stock: int) -> None:
    """``POST /products`` with a name made unique to the scenario."""
    unique = shop.ctx.variables.unique(name)
    create_product(shop, {"name": unique, "price": price, "stock": stock})


@given('a product "{name}" priced {price:Money} with {stock:d} in stock', sets="product_id")
def existing_named_product(shop: Shop, name: str, price: Decimal, stock: int) -> None:
    """A product created through the API, checked against the Product contract."""
    add_product(shop, name, price, stock)
    product_created(shop)


@given("a product priced {price:Money} with {stock:d} in stock", sets="product_id")
def existing_product(shop: Shop, price: Decimal, stock: int) -> None:
    """A product named "Test product" (made unique), created and checked."""
    existing_named_product(shop, "Test product", price, stock)


@when("I add a product with {field} set to {value}")
def add_invalid_product(shop: Shop, field: str, value: str) -> None:
    """A valid product payload with one field replaced by a JSON literal."""
    payload: dict[str, Any] = {
        "name": shop.ctx.variables.unique("Test product"),
        "price": Decimal("9.99"),
        "stock": 10,
    }
    payload[field] = json.loads(value)
    create_product(shop, payload)


@then("the product is created", sets="product_id")
def product_created(shop: Shop) -> None:
    """201, a Location header, and a Product body echoing what was sent."""
    exchange = shop.ctx.last
    product, sent = expect_created(exchange, Product)
    assert product.name == sent["name"], f"name is {product.name!r}, sent {sent['name']!r}"
    assert product.price == Decimal(str(sent["price"])), (
        f"price is {product.price}, sent {sent['price']}"
    )
    assert product.stock == sent["stock"], f"stock is {product.stock}, sent {sent['stock']}"
    location = {k.lower(): v for k, v in exchange.headers.items()}.get("location", "")
    assert location.endswith(f"/products/{product.id}"), f"Location is {location!r}"
    shop.product = product
    shop.ctx.variables.set("product_id", product.id)


@then("reading the product back shows the same product")
def product_reads_back(shop: Shop) -> None:
    """``GET /products/{id}`` answers exactly the created product."""
    product = shop.the_product()
    exchange = shop.ctx.send("GET", f"/products/{product.id}")
    expect_status(exchange, 200)
    assert expect_model(exchange, Product) == product, "the product read back differs"


@when("I list the newest products in the catalogue")
def list_newest_products(ctx: Context) -> None:
    """Read the listing's total, then its last page (products are listed oldest first)."""
    first = ctx.send("GET", "/products", params={"limit": 1})
    expect_status(first, 200)
    total = expect_model(first, ProductPage).total
    ctx.send("GET", "/products", params={"limit": 20, "offset": max(total - 20, 0)})


@then("the listing includes the product")
def listing_includes_product(shop: Shop) -> None:
    """The page is a ProductPage and the scenario's product is on it, unchanged."""
    product = shop.the_product()
    expect_status(shop.ctx.last, 200)
    page = expect_model(shop.ctx.last, ProductPage)
    assert product in page.items, (
        f"product {product.id} is not among the {len(page.items)} listed"
        f" (offset {page.offset}, total {page.total})"
    )


@then("the product has {stock:d} in stock")
def product_stock_is(shop: Shop, stock: int) -> None:
    """``GET /products/{id}`` shows ``stock`` units left."""
    exchange = shop.ctx.send("GET", f"/products/{shop.the_product().id}")
    expect_status(exchange, 200)
    product = expect_model(exchange, Product)
    assert product.stock == stock, f"product {product.id} has {product.stock} in stock, not {stock}"
