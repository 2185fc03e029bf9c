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

from client.redaction import MASK, MIN_SECRET_LENGTH, is_sensitive_name, redact_shapes

_PLACEHOLDER = re.compile(r"^(<[^>]+>|\$\{[^}]*\}|\$\w+|\*+|x+|\.\.\.|-|)$", re.IGNORECASE)
# ${variables}: where a feature takes a secret from (${secret(NAME)}, ${env(NAME)}, ${token})
_REFERENCE = re.compile(r"\$\{[^}]*\}")
_STEP = re.compile(r"^\s*(Given|When|Then|And|But|\*)\s", re.IGNORECASE)


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
    if any(looks_random(token) for token in re.split(r"[\s\"',;:=()\[\]{}]+", value)):
        return "it looks like a generated key or token"
    return None


def lint_feature(text: str, known: Iterable[tuple[str, str]] = ()) -> list[tuple[int, str]]:
    """(line number, problem) for each secret-looking value in a feature file's text."""
    known = [(n, v) for n, v in known if v]
    problems: list[tuple[int, str]] = []
    header: list[str] | None = None
    fence: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if fence is not None:  # inside a doc string
            if line.startswith(fence):
                fence = None
            elif (reason := why_secret(line, known)) is not None:
                problems.append((number, f"secret-looking value in a doc string: {reason}"))
            continue
        if line.startswith(('"""', "```")):
            fence, header = line[:3], None
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if header is None:
                header = cells
            for column, cell in zip(header if header is not cells else [], cells, strict=False):
                if is_sensitive_name(column) and not _PLACEHOLDER.match(cell):
                    problems.append((number, f"a value in the {column!r} column of a table"))
                    break
            else:
                for cell in cells:
                    if (reason := why_secret(cell, known)) is not None:
                        problems.append((number, f"secret-looking value in a table: {reason}"))
                        break
            continue
        header = None
        if _STEP.match(line) and (reason := why_secret(line, known)) is not None:
            problems.append((number, f"secret-looking value in a step: {reason}"))
    return problems


__all__ = ["MASK", "lint_feature", "looks_random", "why_secret"]
