"""docs/writing-features.md documents the generic vocabulary: no step missing, none stale."""

from __future__ import annotations

import re

import steps.vocabulary
from steps.registry import REGISTRY
from tests.conftest import ROOT

DOC = ROOT / "docs" / "writing-features.md"


def vocabulary() -> set[str]:
    return {
        d.pattern for d in REGISTRY.definitions if d.func.__module__ == steps.vocabulary.__name__
    }


def documented() -> set[str]:
    """The step patterns in the first column of the doc's tables."""
    rows = re.findall(r"^\| `([^`]+)` \|", DOC.read_text(), re.M)
    return {row for row in rows if not row.startswith(("$", "#"))}


def test_every_step_of_the_vocabulary_is_documented() -> None:
    assert sorted(vocabulary() - documented()) == []


def test_every_documented_step_exists() -> None:
    assert sorted(documented() - vocabulary()) == []
