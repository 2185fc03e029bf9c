"""docs/writing-features.md documents the generic vocabulary: no step missing, none stale."""

from __future__ import annotations

import re

import steps.vocabulary
from steps.registry import StepRegistry, definitions_of
from tests.conftest import ROOT

DOC = ROOT / "docs" / "writing-features.md"
INDEX = StepRegistry()
for _definition in definitions_of(steps.vocabulary):
    INDEX.add(_definition)


def vocabulary() -> set[str]:
    return {d.pattern for d in INDEX.definitions}


def documented() -> set[str]:
    """The step patterns in the first column of the doc's tables."""
    rows = re.findall(r"^\| `([^`]+)` \|", DOC.read_text(), re.M)
    return {row for row in rows if not row.startswith(("$", "#"))}


def test_every_step_of_the_vocabulary_is_documented() -> None:
    assert sorted(vocabulary() - documented()) == []


def test_every_documented_step_exists() -> None:
    assert sorted(documented() - vocabulary()) == []


def _example_steps() -> list[str]:
    """The step lines of the doc's Gherkin examples (doc strings and tables left out)."""
    blocks = re.findall(r"^```gherkin\n(.*?)^```", DOC.read_text(), re.M | re.S)
    found: list[str] = []
    for block in blocks:
        fenced = False
        for line in block.splitlines():
            text = line.strip()
            if text.startswith('"""'):
                fenced = not fenced
                continue
            keyword, _, rest = text.partition(" ")
            if not fenced and keyword in {"Given", "When", "Then", "And", "But"}:
                found.append(rest)
    return found


def test_every_step_of_the_docs_examples_is_a_step_of_the_vocabulary() -> None:
    ours = vocabulary()
    unknown = [
        text
        for text in _example_steps()
        if not any(m.definition.pattern in ours for m in INDEX.find(text))
    ]
    assert len(_example_steps()) >= 30
    assert unknown == []


def test_the_docs_answer_the_questions_writers_had_to_guess() -> None:
    text = DOC.read_text()
    for answer in (
        "the response JSON at @ has 3 items",  # the whole body
        'the response body contains "say "hi""',  # quotes inside quoted values
        "**Where `${...}` is replaced.**",
        "### Ids: chosen by the client, and APIs that reuse them",
        "## Checking a model without Python",
        "json_schema = ",
        "## Signing in",
        "`client_auth`",
        "`scope`",
        "${secret(PETSTORE_API_KEY)}",
    ):
        assert answer in text, answer
