"""Operation coverage: which operation x declared status of a document a run exercised, and by
which scenarios.

Every ``(operation, status)`` the document declares is a row; an exchange counts for the row its
method, path and status fall under (``404``, ``4XX`` or ``default``, as the document declares).
Exchanges with a status the document does not declare, or a path it does not know, are kept
apart as undeclared: they are findings, not coverage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.openapi import Operations, status_key


@dataclass
class Row:
    """One declared response of one operation, and the scenarios that got it."""

    operation: str
    status: str
    scenarios: list[str] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        return bool(self.scenarios)


@dataclass(frozen=True)
class Totals:
    exercised: int
    declared: int

    @property
    def percent(self) -> float:
        """Exercised share in percent (100 when the document declares nothing)."""
        return 100.0 * self.exercised / self.declared if self.declared else 100.0

    def __str__(self) -> str:
        return f"{self.exercised} of {self.declared} operation responses ({self.percent:.1f}%)"


class Coverage:
    """Collects exchanges against ``document`` (``base_path``: see :class:`Operations`)."""

    def __init__(self, document: Mapping[str, Any], base_path: str = "") -> None:
        self._operations = Operations(document, base_path)
        self._rows: dict[tuple[str, str], Row] = {}
        self._keys: dict[str, list[str]] = {}
        for operation, status in self._operations.declared():
            self._rows[(operation, status)] = Row(operation, status)
            self._keys.setdefault(operation, []).append(status)
        self.undeclared: dict[tuple[str, str], list[str]] = {}

    def record(self, method: str, url: str, status: int, scenario: str) -> None:
        """Count one exchange (``status`` 0: no response, not counted) for ``scenario``."""
        if not status:
            return
        path = self._operations.path(url)
        found = self._operations.find(method.lower(), path)
        if found is None:
            self._note((f"{method.upper()} {path}", str(status)), scenario)
            return
        operation = f"{method.upper()} {found[0]}"
        key = status_key(status, self._keys.get(operation, []))
        if key is None:
            self._note((operation, str(status)), scenario)
            return
        row = self._rows[(operation, key)]
        if scenario not in row.scenarios:
            row.scenarios.append(scenario)

    def operation(self, method: str, url: str) -> str | None:
        """The document's operation (``GET /products/{id}``) a request was for, or None."""
        found = self._operations.find(method.lower(), self._operations.path(url))
        return None if found is None else f"{method.upper()} {found[0]}"

    def _note(self, key: tuple[str, str], scenario: str) -> None:
        scenarios = self.undeclared.setdefault(key, [])
        if scenario not in scenarios:
            scenarios.append(scenario)

    @property
    def rows(self) -> list[Row]:
        """Every declared response, in the document's order."""
        return list(self._rows.values())

    def totals(self) -> Totals:
        return Totals(sum(row.exercised for row in self._rows.values()), len(self._rows))
