"""The specification view's arrangement: capabilities from folders, Backgrounds once, plurals.

A capability is a folder directly under one of the profile's feature folders
(``features/shop/orders/`` is the shop's "Orders" capability); a feature file that sits in the
feature folder itself belongs to the capability named after that folder. Without the profile's
folders (a merged report of an old run, a plain pytest-bdd project) each feature's own folder
is its capability. Plain data in, plain data out: no pytest, no Jinja2.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Mapping
from typing import Any

from reporting.record_types import ScenarioRecord, StepRecord


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 scenario``, ``2 scenarios``, ``0 scenarios`` (``many``: an irregular plural)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def title(folder: str) -> str:
    """A folder's name as a heading: ``user_accounts`` -> ``User accounts``."""
    words = folder.replace("_", " ").replace("-", " ").strip()
    return (words[:1].upper() + words[1:]) or folder


def capability_of(uri: str, folders: list[str]) -> str:
    """The capability folder of a feature file (a path relative to the project)."""
    path = posixpath.normpath(uri.replace("\\", "/"))
    for folder in sorted(folders, key=len, reverse=True):
        root = posixpath.normpath(folder.replace("\\", "/")).rstrip("/")
        if path.startswith(root + "/"):
            rest = path[len(root) + 1 :]
            return posixpath.join(root, rest.split("/")[0]) if "/" in rest else root
    return posixpath.dirname(path) or "."


def common_background(scenarios: list[ScenarioRecord]) -> list[dict[str, Any]]:
    """The feature's own Background: the background steps every scenario starts with (a Rule's
    Background adds steps after them, see ``document._groups``)."""
    shared: list[StepRecord] | None = None
    for scenario in scenarios:
        steps = [s for s in scenario["steps"] if s["background"]]
        if shared is None:
            shared = steps
            continue
        lines = [s["line"] for s in steps]
        keep = 0
        while keep < min(len(shared), len(lines)) and shared[keep]["line"] == lines[keep]:
            keep += 1
        shared = shared[:keep]
    return [_written(s) for s in shared or []]


def _written(step: StepRecord) -> dict[str, Any]:
    """A Background step as written, without any one scenario's results."""
    return {
        "keyword": step["keyword"],
        "text": step["text"],
        "line": step["line"],
        "datatable": step["datatable"],
        "docstring": step["docstring"],
    }


def capabilities(
    features: list[dict[str, Any]],
    folders: list[str],
    operations: Mapping[str, list[str]] | None,
) -> list[dict[str, Any]]:
    """The functional coverage: one row per capability, in folder order. Sets each feature's
    ``capability`` (the capability's index)."""
    found: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(features):
        folder = capability_of(feature["uri"], folders)
        entry = found.setdefault(
            folder,
            {
                "folder": folder,
                "name": title(posixpath.basename(folder)),
                "features": [],
                "counts": Counter(),
                "operations": set(),
            },
        )
        entry["features"].append(index)
        for group in feature["groups"]:
            for scenario in group["scenarios"]:
                entry["counts"][scenario["status"]] += 1
                entry["operations"].update((operations or {}).get(scenario["id"], []))
    rows = []
    for position, folder in enumerate(sorted(found)):
        entry = found[folder]
        for index in entry["features"]:
            features[index]["capability"] = position
        counts: Counter[str] = entry["counts"]
        total = sum(counts.values())
        rows.append(
            {
                **entry,
                "counts": dict(counts),
                "scenarios": total,
                "scenarios_label": plural(total, "scenario"),
                "features_label": plural(len(entry["features"]), "feature"),
                "operations": None if operations is None else sorted(entry["operations"]),
            }
        )
    return rows
