"""Steps about ordering."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import given, then, when

from client import ApiClient
from models import Order
from steps.context import ScenarioContext, expect_created, expect_problem, expect_status
from steps.vocabulary import step

# No shop will have this many products; good enough for "a product that does not exist".
UNKNOWN_PRODUCT_ID = 2**31 - 1


def place_order(shop: ScenarioContext, api: ApiClient, product_id: int, quantity: int) -> None:
    """``POST /orders``; a 201's id is remembered for clean-up before anything is checked."""
    shop.order = None
    shop.exchange = api.post("/orders", json={"product_id": product_id, "quantity": quantity})
    shop.track(shop.exchange, shop.created_orders)


def _product_id(shop: ScenarioContext) -> int:
    assert shop.product is not None, "no product was created in this scenario"
    return shop.product.id


@when(step("I order {quantity:d} of the product"))
def order_product(shop: ScenarioContext, quantity: int) -> None:
    """``POST /orders`` for the scenario's product, as the signed-in user."""
    place_order(shop, shop.api, _product_id(shop), quantity)


@given(step("I have ordered {quantity:d} of the product"))
def ordered_product(shop: ScenarioContext, quantity: int) -> None:
    """An order placed and confirmed."""
    place_order(shop, shop.api, _product_id(shop), quantity)
    order_confirmed(shop)


@when(step("I order {quantity:d} of the product without an access token"))
def order_anonymously(shop: ScenarioContext, quantity: int) -> None:
    """``POST /orders`` with no Authorization header."""
    place_order(shop, shop.client, _product_id(shop), quantity)


@when(step("I order {quantity:d} of a product that does not exist"))
def order_unknown_product(shop: ScenarioContext, quantity: int) -> None:
    """``POST /orders`` naming a product id no one has created."""
    place_order(shop, shop.api, UNKNOWN_PRODUCT_ID, quantity)


@then("the order is confirmed")
def order_confirmed(shop: ScenarioContext) -> None:
    """201 and an Order body for the product, quantity and price that were asked for."""
    order, sent = expect_created(shop.last, Order)
    assert order.product_id == _product_id(shop), f"order is for product {order.product_id}"
    assert order.quantity == sent["quantity"], (
        f"order is for {order.quantity}, {sent['quantity']} were asked for"
    )
    assert shop.product is not None
    assert order.unit_price == shop.product.price, (
        f"unit price is {order.unit_price}, the product costs {shop.product.price}"
    )
    shop.order = order


@then(step("the order total is {total:Money}"))
def order_total_is(shop: ScenarioContext, total: Decimal) -> None:
    """The confirmed order's total, to the cent, and equal to unit price times quantity."""
    if shop.order is None:
        order_confirmed(shop)
    assert shop.order is not None
    order = shop.order
    assert order.total == total, f"order total is {order.total}, expected {total}"
    assert order.total == order.unit_price * order.quantity, (
        f"total {order.total} is not {order.unit_price} x {order.quantity}"
    )


@then("the order is refused because the stock is short")
def order_refused_short_stock(shop: ScenarioContext) -> None:
    """409 with a problem body."""
    expect_problem(shop.last, 409)


@when("I cancel the order")
def cancel_order(shop: ScenarioContext) -> None:
    """``DELETE /orders/{id}``, expecting 204."""
    assert shop.order is not None, "no order was placed in this scenario"
    shop.exchange = shop.api.delete(f"/orders/{shop.order.id}")
    expect_status(shop.exchange, 204)


@then("the order can no longer be found")
def order_gone(shop: ScenarioContext) -> None:
    """``GET /orders/{id}`` answers 404."""
    assert shop.order is not None, "no order was placed in this scenario"
    expect_status(shop.api.get(f"/orders/{shop.order.id}"), 404)
