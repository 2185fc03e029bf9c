"""A package's names loaded from their modules on first use (PEP 562), for ``client`` and
``steps``: importing the package (or one of its plugins) then imports none of the modules a
process may never need, such as the HTTP client in an xdist controller."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(namespace: dict[str, Any], where: Mapping[str, str]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: ``where`` maps each name to the module defining it; a
    name found is kept in ``namespace`` (the package's ``globals()``), so later look-ups are
    plain attributes."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    return __getattr__
