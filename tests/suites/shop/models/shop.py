"""The shop API's contract: the generated models, extended by hand where the steps need more.

:mod:`tests.suites.shop.models.shop_generated` is generated from ``tests/suites/shop/models/shop.openapi.json`` (the demo API's own
document); the classes here add what a document cannot say: money is an exact
:class:`~decimal.Decimal` (a ``"29.99"`` string on the wire), a token's value stays out of its
``repr``, counts are positive. Steps import these names from :mod:`models`.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from tests.suites.shop.models.shop_generated import (
    FieldError,
    OrderOut,
    PageOrderOut,
    PageProductOut,
    Problem,
    ProductOut,
    TokenOut,
    UserOut,
)


def _decimal_string(value: Any) -> Any:
    """Money is a JSON string: a number (``29.99``) went through a float on the way and breaks
    the contract (pydantic's strict Decimal would take it)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ArithmeticError):
            amount = Decimal(value)
            if amount.is_finite():
                return amount
    raise PydanticCustomError("money_type", "money must be a decimal string such as '29.99'")


# The generated field is the wire's str; an exact Decimal here is the point (mypy sees an
# override of a str field, hence the ignores).
Money = Annotated[Decimal, BeforeValidator(_decimal_string)]


class Token(TokenOut):
    access_token: str = Field(min_length=16, repr=False)
    expires_in: int = Field(gt=0)


class User(UserOut):
    pass


class Product(ProductOut):
    price: Money = Field(gt=0, decimal_places=2)  # type: ignore[assignment]
    stock: int = Field(ge=0)


class Order(OrderOut):
    quantity: int = Field(gt=0)
    unit_price: Money = Field(gt=0, decimal_places=2)  # type: ignore[assignment]
    total: Money = Field(gt=0, decimal_places=2)  # type: ignore[assignment]


class ProductPage(PageProductOut):
    items: list[Product]  # type: ignore[assignment]
    total: int = Field(ge=0)
    limit: int = Field(gt=0)
    offset: int = Field(ge=0)


class OrderPage(PageOrderOut):
    items: list[Order]  # type: ignore[assignment]
    total: int = Field(ge=0)
    limit: int = Field(gt=0)
    offset: int = Field(ge=0)


__all__ = [
    "FieldError",
    "Order",
    "OrderPage",
    "Problem",
    "Product",
    "ProductPage",
    "Token",
    "User",
]
