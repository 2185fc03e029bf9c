"""The shop's wire format, server side. Money travels as a decimal string ("29.99").

Response models forbid extra fields and list every field as required, so the OpenAPI document
FastAPI builds from them is as strict as the shop's answers really are (``additionalProperties:
false``, money with its pattern): the contract models and the conformance check come from it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

Money = Annotated[
    Decimal,
    Field(gt=0, max_digits=12, decimal_places=2),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d{2}$"}, mode="serialization"),
]


def cents_to_money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def money_to_cents(amount: Decimal) -> int:
    return int(amount * 100)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductIn(_In):
    name: str = Field(min_length=1, max_length=200)
    price: Money
    stock: int = Field(ge=0, le=1_000_000_000)


class OrderIn(_In):
    product_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=1_000_000)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class TokenOut(_Out):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserOut(_Out):
    id: int
    username: str
    email: str
    full_name: str
    created_at: datetime


class ProductOut(_Out):
    id: int
    name: str
    price: Money
    stock: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProductOut:
        return cls(
            id=row["id"],
            name=row["name"],
            price=cents_to_money(row["price_cents"]),
            stock=row["stock"],
            created_at=row["created_at"],
        )


class OrderOut(_Out):
    id: int
    product_id: int
    quantity: int
    unit_price: Money
    total: Money
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OrderOut:
        return cls(
            id=row["id"],
            product_id=row["product_id"],
            quantity=row["quantity"],
            unit_price=cents_to_money(row["unit_price_cents"]),
            total=cents_to_money(row["total_cents"]),
            created_at=row["created_at"],
        )


T = TypeVar("T")


class Page(_Out, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class FieldError(_Out):
    field: str
    message: str


class Problem(_Out):
    """RFC 9457 problem details: the body of every error (see :mod:`demo_api.problems`)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    type: str
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str
    errors: list[FieldError] = Field(default_factory=list, description="validation errors (422)")
