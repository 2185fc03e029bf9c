"""Step-text types shared by the step modules: ``{price:Money}`` is an exact decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pytest_bdd import parsers


def money(text: str) -> Decimal:
    """``29.99`` -> ``Decimal("29.99")``: exact, never a float."""
    return Decimal(text)


money.pattern = r"-?\d+(?:\.\d+)?"  # type: ignore[attr-defined]  # what parse.with_pattern sets


TYPES: dict[str, Any] = {"Money": money}


def step(pattern: str) -> Any:
    """A ``parsers.parse`` step pattern that knows our types."""
    return parsers.parse(pattern, extra_types=TYPES)
