"""Steps about ordering."""

from __future__ import annotations

from decimal import Decimal

from tests.suites.shop.models.shop import Order
from steps import expect_created, expect_status, given, then, when
from tests.suites.shop.steps.errors import expect_problem
from tests.suites.shop.steps.state import Shop

# No shop will have this many products; good enough for "a product that does not exist".
UNKNOWN_PRODUCT_ID = 2**31 - 1


def place_order(shop: Shop, product_id: int, quantity: int) -> None:
    """``POST /orders``; the order is cancelled when the scenario ends."""
    shop.order = None
    body = {"product_id": product_id, "quantity": quantity}
    shop.ctx.send("POST", "/orders", json=body, undo="DELETE /orders/{id}")


@when("I order {quantity:d} of the product")
def order_product(shop: Shop, quantity: int) -> None:
    """``POST /orders`` for the scenario's product, as the signed-in user."""
    place_order(shop, shop.the_product().id, quantity)


@given("I have ordered {quantity:d} of the product", sets="order_id")
def ordered_product(shop: Shop, quantity: int) -> None:
    """An order placed and confirmed."""
    order_product(shop, quantity)
    order_confirmed(shop)


@when("I order {quantity:d} of the product without an access token")
def order_anonymously(shop: Shop, quantity: int) -> None:
    """``POST /orders`` with no Authorization header."""
    shop.ctx.anonymous()
    place_order(shop, shop.the_product().id, quantity)


@when("I order {quantity:d} of a product that does not exist")
def order_unknown_product(shop: Shop, quantity: int) -> None:
    """``POST /orders`` naming a product id no one has created."""
    place_order(shop, UNKNOWN_PRODUCT_ID, quantity)


@then("the order is confirmed", sets="order_id")
def order_confirmed(shop: Shop) -> None:
    """201 and an Order body for the product, quantity and price that were asked for."""
    product = shop.the_product()
    order, sent = expect_created(shop.ctx.last, Order)
    assert order.product_id == product.id, f"order is for product {order.product_id}"
    assert order.quantity == sent["quantity"], (
        f"order is for {order.quantity}, {sent['quantity']} were asked for"
    )
    assert order.unit_price == product.price, (
        f"unit price is {order.unit_price}, the product costs {product.price}"
    )
    shop.order = order
    shop.ctx.variables.set("order_id", order.id)


@then("the order total is {total:Money}")
def order_total_is(shop: Shop, total: Decimal) -> None:
    """The confirmed order's total, to the cent, and equal to unit price times quantity."""
    if shop.order is None:
        order_confirmed(shop)
    order = shop.the_order()
    assert order.total == total, f"order total is {order.total}, expected {total}"
    assert order.total == order.unit_price * order.quantity, (
        f"total {order.total} is not {order.unit_price} x {order.quantity}"
    )


@then("the order is refused because the stock is short")
def order_refused_short_stock(shop: Shop) -> None:
    """409 with a problem body."""
    expect_problem(shop.ctx.last, 409)
    shop.ctx.expected()


@when("I cancel the order")
def cancel_order(shop: Shop) -> None:
    """``DELETE /orders/{id}``, expecting 204."""
    exchange = shop.ctx.send("DELETE", f"/orders/{shop.the_order().id}")
    expect_status(exchange, 204)


@then("the order can no longer be found")
def order_gone(shop: Shop) -> None:
    """``GET /orders/{id}`` answers 404."""
    expect_status(shop.ctx.send("GET", f"/orders/{shop.the_order().id}"), 404)
