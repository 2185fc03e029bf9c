"""What a shop scenario is about: its product, its order, the token it received."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.suites.shop.models.shop import Order, Product, Token
from steps import Context


@dataclass
class Shop:
    ctx: Context
    product: Product | None = None
    order: Order | None = None
    token: Token | None = None

    def the_product(self) -> Product:
        assert self.product is not None, "no product was created in this scenario"
        return self.product

    def the_order(self) -> Order:
        assert self.order is not None, "no order was placed in this scenario"
        return self.order


@pytest.fixture
def shop(ctx: Context) -> Shop:
    """The shop scenario's state, on top of the generic context."""
    return Shop(ctx)
