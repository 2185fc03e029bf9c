"""Step-text types shared by the step modules: ``{price:Money}`` is an exact decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from parse import with_pattern
from pytest_bdd import parsers


@with_pattern(r"-?\d+(?:\.\d+)?")
def money(text: str) -> Decimal:
    return Decimal(text)


TYPES: dict[str, Any] = {"Money": money}


def step(pattern: str) -> Any:
    """A ``parsers.parse`` step pattern that knows our types."""
    return parsers.parse(pattern, extra_types=TYPES)
