"""Secret-looking values in feature files: found at collection, reported with file:line.

Example values become test ids, JUnit names and ``.pytest_cache`` entries, and feature files
live in version control, so a credential there has leaked before any redaction can act.
Checked: table cells (Examples and data tables), doc strings and step text. A value is
secret-looking when it contains a secret setting's value (one long enough to be masked), has
a credential's shape (a Bearer or Basic credential, a JWT, a known key prefix, a private key,
``password=...``), sits in a column named like a secret, or is a long random-looking string.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from client.redaction import MASK, MIN_SECRET_LENGTH, is_sensitive_name, redact_shapes

_PLACEHOLDER = re.compile(r"^(<[^>]+>|\$\{[^}]*\}|\$\w+|\*+|x+|\.\.\.|-|)$", re.IGNORECASE)
# ${variables}: where a feature takes a secret from (${secret(NAME)}, ${env(NAME)}, ${token})
_REFERENCE = re.compile(r"\$\{[^}]*\}")
_STEP = re.compile(r"^\s*(Given|When|Then|And|But|\*)\s", re.IGNORECASE)
_EXAMPLES = re.compile(r"^\s*(Examples|Scenarios)\s*:", re.IGNORECASE)
_KEYWORD = re.compile(r"^(@|(Feature|Rule|Background|Scenario|Example)\b)", re.IGNORECASE)
# a run of 24 or more characters between separators: the only tokens long enough to look random
# (found directly rather than by splitting every line into words and measuring each)
_LONG_TOKEN = re.compile(r"[^\s\"',;:=()\[\]{}]{24,}")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(token: str) -> bool:
    """Long, mixed-case-and-digit and high-entropy: a generated key, not a word or a number."""
    return (
        len(token) >= 24
        and any(c.isupper() for c in token)
        and any(c.islower() for c in token)
        and any(c.isdigit() for c in token)
        and _entropy(token) >= 4.0
    )


def why_secret(value: str, known: Iterable[tuple[str, str]] = ()) -> str | None:
    """Why ``value`` looks like a secret, or None. ``known``: (variable name, secret value).

    A known secret shorter than the masking floor is not looked for: ``API_TOKEN=short`` would
    flag "the stock is short", and the run already warns about such a secret by name.
    """
    for name, secret in known:
        if len(secret.strip()) >= MIN_SECRET_LENGTH and secret in value:
            return f"it contains the value of {name}"
    value = _REFERENCE.sub("", value)  # a reference is how a feature should name a secret
    if redact_shapes(value) != value:
        return "it has the shape of a credential"
    if any(looks_random(token.group(0)) for token in _LONG_TOKEN.finditer(value)):
        return "it looks like a generated key or token"
    return None


class Finding(NamedTuple):
    """A secret-looking value at ``line``. ``in_test_ids``: it sits in an Examples table, whose
    values become test ids (JUnit names, ``.pytest_cache``) as soon as the file is collected."""

    line: int
    problem: str
    in_test_ids: bool


def _table_row(cells: list[str], names: list[str] | None, judge: Judge) -> str | None:
    """The problem of one table row. ``names``: the header's column names, or None for a
    step's ``name | value`` row (its first cell names its second)."""
    if names is None:
        if len(cells) == 2 and is_sensitive_name(cells[0]) and not _PLACEHOLDER.match(cells[1]):
            return f"a value for {cells[0]!r} in a table"
    else:
        for column, cell in zip(names, cells, strict=False):
            if is_sensitive_name(column) and not _PLACEHOLDER.match(cell):
                return f"a value in the {column!r} column of a table"
    for cell in cells:
        if (reason := judge(cell)) is not None:
            return f"secret-looking value in a table: {reason}"
    return None


class Judge:
    """:func:`why_secret` for one set of known secrets, remembering its answer for each value:
    feature files repeat their lines (a step, a doc string, a row in every scenario), and one
    judge serves every file of a run. Dropped with the pass that made it."""

    def __init__(self, known: Iterable[tuple[str, str]] = ()) -> None:
        self.known = [(n, v) for n, v in known if v]
        self._answers: dict[str, str | None] = {}

    def __call__(self, value: str) -> str | None:
        try:
            return self._answers[value]
        except KeyError:
            answer = self._answers[value] = why_secret(value, self.known)
            return answer


def find_secrets(
    text: str, known: Iterable[tuple[str, str]] = (), judge: Judge | None = None
) -> list[Finding]:
    """Each secret-looking value in a feature file's text (``judge``: one shared by the files
    of a pass, instead of one for ``known`` made for this file).

    A table under a step with two columns is ``name | value`` rows (the form, headers, query
    and fields tables): each value is judged by the name beside it, so a form starting with
    ``| grant_type | client_credentials |`` names no column. Any other table (Examples, or a
    step's table of three or more columns) has a header row naming its columns.
    """
    judge = judge or Judge(known)
    found: list[Finding] = []
    header: list[str] | None = None
    table: str | None = None  # None (no table), "pairs", "columns" or "examples"
    fence: str | None = None
    after: str | None = None  # what the last Gherkin line was: "step", "examples" or None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if fence is not None:  # inside a doc string
            if line.startswith(fence):
                fence = None
            elif (reason := judge(line)) is not None:
                found.append(
                    Finding(number, f"secret-looking value in a doc string: {reason}", False)
                )
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith(('"""', "```")):
            fence, header, table, after = line[:3], None, None, None
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if table is None:
                table = _table_kind(after, len(cells))
                if table != "pairs":  # the header row: its cells are checked as values only
                    header, after = cells, None
                    if (problem := _table_row(cells, [], judge)) is not None:
                        found.append(Finding(number, problem, table == "examples"))
                    continue
            problem = _table_row(cells, None if table == "pairs" else header, judge)
            if problem is not None:
                found.append(Finding(number, problem, table == "examples"))
            continue
        header, table = None, None
        if _EXAMPLES.match(line):
            after = "examples"
        elif _STEP.match(line):
            after = "step"
        elif after != "examples" or _KEYWORD.match(line):
            after = None  # (a description under an Examples header keeps it)
        if after == "step" and (reason := judge(line)) is not None:
            found.append(Finding(number, f"secret-looking value in a step: {reason}", False))
    return found


def _table_kind(after: str | None, columns: int) -> str:
    if after == "step":
        return "pairs" if columns == 2 else "columns"
    return "examples" if after == "examples" else "columns"


def lint_feature(text: str, known: Iterable[tuple[str, str]] = ()) -> list[tuple[int, str]]:
    """(line number, problem) for each secret-looking value in a feature file's text."""
    return [(f.line, f.problem) for f in find_secrets(text, known)]


__all__ = ["MASK", "Finding", "Judge", "find_secrets", "lint_feature", "looks_random", "why_secret"]
