"""Contracts: strict Pydantic models of API responses, and the validation entry point.

Imports nothing of ours. A response that does not match fails with :class:`ContractError`,
whose message names the model and each field path, never the values.
"""

from __future__ import annotations

from models._base import ContractError, StrictModel, contract_error, parse
from models.shop import (
    FieldError,
    Order,
    OrderPage,
    Problem,
    Product,
    ProductPage,
    Token,
    User,
)

__all__ = [
    "ContractError",
    "FieldError",
    "Order",
    "OrderPage",
    "Problem",
    "Product",
    "ProductPage",
    "StrictModel",
    "Token",
    "User",
    "contract_error",
    "parse",
]
