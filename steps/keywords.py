"""Misspelled Gherkin keywords, said as such: ``Than`` is "did you mean 'Then'?", not the
parser's ``expected: #EOF, #TableRow, #DocStringSeparator, ...``.

:func:`mend` parses a feature file's text with the Gherkin parser; each line it rejects that
starts with something close to a keyword of the file's dialect (``Than``, ``Exampels:``,
``Scenario Outlin:``, ``then``) becomes one problem naming the keyword meant, and is mended in
a copy of the text, which is parsed again, so the rest of the file can still be checked. What
is not a misspelled keyword stays the parser's own message.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from gherkin.dialect import Dialect
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

_LANGUAGE = re.compile(r"^\s*#\s*language\s*:\s*([\w-]+)", re.MULTILINE)
_ROUNDS = 50  # the parser reports up to 10 errors a pass: 50 passes mend any file met


@dataclass
class Mended:
    """The text with its misspelled keywords mended, and what was found.

    ``keywords``: ``(line, problem)`` for each misspelled keyword; ``others``: the parser's
    other errors (``(line, message)``); the mended text parses when ``others`` is empty.
    """

    text: str
    keywords: list[tuple[int, str]] = field(default_factory=list)
    others: list[tuple[int, str]] = field(default_factory=list)


def _dialect(text: str) -> Dialect:
    found = _LANGUAGE.search(text[:2000])
    dialect = Dialect.for_name(found.group(1)) if found else None
    english = Dialect.for_name("en")
    assert english is not None  # English is always there
    return dialect or english


def parse_errors(text: str) -> list[tuple[int, str]]:
    """``(line, message)`` of each error the Gherkin parser finds (empty: the text parses)."""
    try:
        Parser().parse(TokenScanner(text))
    except (CompositeParserException, ParserError) as err:
        errors = getattr(err, "errors", None) or [err]
        found = []
        for error in errors:
            location = getattr(error, "location", None) or {}
            message = re.sub(r"^\(\d+:\d+\): ", "", str(error).splitlines()[0])
            found.append((int(location.get("line") or 0), message))
        return found
    return []


def _keywords(dialect: Dialect) -> tuple[list[str], list[str]]:
    """Block keywords (written with a colon) and step keywords, as written."""
    blocks = (
        dialect.feature_keywords
        + dialect.rule_keywords
        + dialect.background_keywords
        + dialect.scenario_keywords
        + dialect.scenario_outline_keywords
        + dialect.examples_keywords
    )
    steps = (
        dialect.given_keywords
        + dialect.when_keywords
        + dialect.then_keywords
        + dialect.and_keywords
        + dialect.but_keywords
    )
    return sorted({k.strip() for k in blocks}), sorted({k.strip() for k in steps} - {"*"})


def _closest(word: str, keywords: list[str]) -> str | None:
    by_case = {k.lower(): k for k in keywords}
    close = difflib.get_close_matches(word.lower(), list(by_case), n=1, cutoff=0.7)
    return by_case[close[0]] if close and by_case[close[0]] != word else None


def keyword_fix(line: str, dialect: Dialect) -> tuple[str, str] | None:
    """``(written, meant)`` when ``line`` starts with a misspelled keyword, else None."""
    stripped = line.strip()
    blocks, steps = _keywords(dialect)
    head, colon, _ = stripped.partition(":")
    if colon and len(head) <= 40:
        meant = _closest(head.strip(), blocks)
        if meant is not None:
            return head.strip(), meant
    word = stripped.split(maxsplit=1)[0] if stripped else ""
    meant = _closest(word, steps) if word.isalpha() else None
    return (word, meant) if meant is not None else None


def mend(text: str) -> Mended:
    """Find and mend the misspelled keywords of ``text`` (see the module docstring)."""
    dialect = _dialect(text)
    lines = text.splitlines(keepends=True)
    mended = Mended(text)
    for _ in range(_ROUNDS):
        errors = parse_errors(mended.text)
        progress = False
        mended.others = []
        for line, message in errors:
            fix = keyword_fix(lines[line - 1], dialect) if 0 < line <= len(lines) else None
            if fix is None:
                mended.others.append((line, message))
                continue
            written, meant = fix
            lines[line - 1] = lines[line - 1].replace(written, meant, 1)
            mended.keywords.append(
                (line, f"{written!r} is not a Gherkin keyword: did you mean {meant!r}?")
            )
            progress = True
        mended.text = "".join(lines)
        if not progress:
            break
    mended.keywords.sort()
    return mended


def description_typos(text: str) -> list[tuple[int, str]]:
    """Misspelled step keywords Gherkin took for a description: the lines right after a
    Scenario or Background header, before its first step, that start with a word close to a
    step keyword (``Whenn I GET /x``: the scenario would silently have no such step). Words
    under four letters are left alone: a description may well start with "An"."""
    dialect = _dialect(text)
    _, steps = _keywords(dialect)
    headers = tuple(
        f"{k.strip()}:"
        for k in dialect.scenario_keywords
        + dialect.scenario_outline_keywords
        + dialect.background_keywords
    )
    found: list[tuple[int, str]] = []
    describing = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith(headers):
            describing = True
            continue
        if not describing or not line or line.startswith("#"):
            continue
        word = line.split(maxsplit=1)[0]
        if word in steps or line.startswith(("|", '"""', "```", "@")) or word.endswith(":"):
            describing = False
            continue
        meant = _closest(word, steps) if len(word) >= 4 and word.isalpha() else None
        if meant is not None:
            found.append((number, f"{word!r} is not a Gherkin keyword: did you mean {meant!r}?"))
    return found
