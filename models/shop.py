"""The shop API's contract, written from its documentation (never imported from ``demo_api``).

Money is a decimal string on the wire (``"29.99"``) and a :class:`~decimal.Decimal` here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from models._base import StrictModel


class Token(StrictModel):
    access_token: str = Field(min_length=16, repr=False)
    token_type: Literal["bearer"]
    expires_in: int = Field(gt=0)


class User(StrictModel):
    id: int
    username: str
    email: str
    full_name: str
    created_at: AwareDatetime


class Product(StrictModel):
    id: int
    name: str
    price: Decimal = Field(gt=0, decimal_places=2)
    stock: int = Field(ge=0)
    created_at: AwareDatetime


class Order(StrictModel):
    id: int
    product_id: int
    quantity: int = Field(gt=0)
    unit_price: Decimal = Field(gt=0, decimal_places=2)
    total: Decimal = Field(gt=0, decimal_places=2)
    created_at: AwareDatetime


class ProductPage(StrictModel):
    items: list[Product]
    total: int = Field(ge=0)
    limit: int = Field(gt=0)
    offset: int = Field(ge=0)


class OrderPage(StrictModel):
    items: list[Order]
    total: int = Field(ge=0)
    limit: int = Field(gt=0)
    offset: int = Field(ge=0)


class FieldError(StrictModel):
    field: str
    message: str


class Problem(StrictModel):
    """RFC 9457 problem details, as every error of the shop is shaped."""

    type: str
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str
    errors: list[FieldError] | None = None
