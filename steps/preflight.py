"""The pre-flight: authoring mistakes found before any request is sent.

Per file, at collection (these stop the run, each as ``file:line: problem``): a file that is
not UTF-8 (with the byte offset), malformed Gherkin, two scenarios with one name in a feature
(pytest-bdd would silently keep one), a Scenario Outline without Examples. A symlink loop in a
feature folder is listed by ``--check-features`` and a warning otherwise (each file is
collected once anyway).
Per step, through the step index, as each scenario starts (its set-up fails with them, before
any fixture or request): undefined steps (with the closest patterns), ambiguous steps, what
each definition's own check finds (malformed JSON doc strings, unknown models or fuzzy markers,
bad paths), and ``${variables}`` used before any step set them. A scenario is checked by the
process that runs it (an xdist worker checks its own share; ``--collect-only`` runs and checks
none). ``--check-features`` checks every scenario at collection, lists every problem and exits
(status 1 when there is one), opening no connection.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import warnings
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gherkin.dialect import Dialect
from pytest_bdd.exceptions import GherkinParseError, StepError
from pytest_bdd.feature import get_feature

from steps import _bdd
from steps.collect import FeatureModule, feature_files, symlink_loops
from steps.contracts import model_catalogue
from steps.dispatch import run_from_index
from steps.fixtures import profile_of
from steps.keywords import description_typos, mend
from steps.registry import Match, PreflightStep, StepRegistry, registry_of
from steps.variables import GENERATORS, references

PROBLEM = pytest.StashKey[str]()
_FOUND = pytest.StashKey[list[str]]()


@functools.lru_cache(maxsize=4096)  # asked once per scenario: the answer is per file
def _relative(path: str | Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return str(path)


# -- per file ------------------------------------------------------------------------------------
def file_problems(path: Path, root: Path, config: pytest.Config | None = None) -> Iterator[str]:
    """What is wrong with one feature file as a whole.

    The file is parsed by pytest-bdd's own ``get_feature``, which keeps what it parsed, so
    collection does not parse it again; only a malformed file is parsed a second time, by the
    Gherkin parser itself, to list every error rather than pytest-bdd's first. Misspelled
    keywords are named with the keyword meant and mended in a copy, whose scenarios (and, given
    ``config``, their steps) are then checked like any file's.
    """
    where = _relative(path, root)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        yield f"{where}:1: starts with a byte-order mark (BOM): save it as UTF-8 without one"
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        yield f"{where}:{line}: not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start}"
        return
    try:
        feature = get_feature(str(path.parent), path.name)
    except GherkinParseError:
        yield from _mended_problems(path, text, where, config)
        return
    except KeyError:  # no Feature at all (an empty file, comments only): nothing to run
        return
    yield from _scenario_problems(text, feature, where)


def _mended_problems(
    path: Path, text: str, where: str, config: pytest.Config | None
) -> Iterator[str]:
    mended = mend(text)
    found = mended.keywords + [(n, f"malformed feature: {m}") for n, m in mended.others]
    found.sort(key=lambda problem: problem[0])
    yield from (f"{where}:{line or '?'}: {problem}" for line, problem in found)
    if mended.others:
        return  # it does not parse even mended: nothing more can be read of it
    try:
        feature = _bdd.feature_from_text(path, mended.text)
    except (GherkinParseError, StepError) as err:
        yield f"{where}:{getattr(err, 'line', '?')}: malformed feature: {err}"
        return
    yield from _scenario_problems(mended.text, feature, where)
    if config is not None:
        for template in feature.scenarios.values():
            contexts = [c for e in template.examples for c in e.as_contexts()] or [{}]
            for context in contexts:
                yield from text_step_problems(config, template.render(context), where)


def _dialect(language: str) -> Dialect:
    dialect = Dialect.for_name(language) or Dialect.for_name("en")
    assert dialect is not None  # English is always there
    return dialect


def scenario_headers(text: str, language: str) -> Iterator[tuple[int, str]]:
    """(line, name) of each Scenario/Example/Outline header of a well-formed feature file: a
    line scan in the file's Gherkin dialect, doc strings skipped (one opens only right after a
    step, as in Gherkin: a description may show three quotes). pytest-bdd keeps scenarios by
    name, so two with one name are only visible in the text."""
    dialect = _dialect(language)
    keywords = tuple(
        f"{k.strip()}:" for k in dialect.scenario_keywords + dialect.scenario_outline_keywords
    )
    step_keywords = tuple(
        dialect.given_keywords
        + dialect.when_keywords
        + dialect.then_keywords
        + dialect.and_keywords
        + dialect.but_keywords
    )
    fence: str | None = None
    after_step = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if fence is not None:
            if line.startswith(fence):
                fence, after_step = None, False
            continue
        if not line or line.startswith("#"):
            continue
        if after_step and line.startswith(('"""', "```")):
            fence = line[:3]
            continue
        after_step = line.startswith(step_keywords)
        if not line.startswith(keywords):  # (most lines are steps and table rows)
            continue
        for keyword in keywords:
            if line.startswith(keyword):
                yield number, line[len(keyword) :].strip()
                break


def _scenario_problems(text: str, feature: Any, where: str) -> Iterator[str]:
    found: list[tuple[int, str]] = [
        (line, f"{where}:{line}: {problem}") for line, problem in description_typos(text)
    ]
    seen: dict[str, int] = {}
    for line, name in scenario_headers(text, feature.language):
        if name in seen:
            found.append(
                (
                    line,
                    f"{where}:{line}: scenario {name!r} has the name of the one at line"
                    f" {seen[name]} ({where}:{seen[name]}): give each scenario its own name",
                )
            )
        else:
            seen[name] = line
    dialect = _dialect(feature.language)
    outlines = {k.strip() for k in dialect.scenario_outline_keywords}
    for template in feature.scenarios.values():
        if template.keyword.strip() in outlines and not template.examples:
            line, name = template.line_number, template.name
            found.append((line, f"{where}:{line}: Scenario Outline {name!r} has no Examples table"))
    for _, problem in sorted(found):
        yield problem


# -- per step ------------------------------------------------------------------------------------
def _is_model(config: pytest.Config, name: str) -> bool:
    return model_catalogue(config).find(name) is not None


# a JMESPath filter (``[?...]``) with a space in it, outside its quoted literals
_SPACED_FILTER = re.compile(r"\[\?(?:[^\]`'\"]|`[^`]*`|'[^']*'|\"[^\"]*\")*?\s[^\]]*\]")


def _without_spaces(match: re.Match[str]) -> str:
    parts = re.split(r"(`[^`]*`|'[^']*'|\"[^\"]*\")", match.group(0))
    return "".join(part if part[:1] in "`'\"" else re.sub(r"\s+", "", part) for part in parts)


def _suggest(registry: StepRegistry, text: str, item: pytest.Item | None) -> str:
    if _SPACED_FILTER.search(text):
        fixed = _SPACED_FILTER.sub(_without_spaces, text)
        if registry.find(fixed):  # the step exists once the filter is written without spaces
            return f"; write a filter without spaces: {fixed!r}"
    known = registry.patterns() + (_bdd.raw_patterns(item) if item is not None else [])
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.6)
    return f"; did you mean: {' | '.join(close)}" if close else ""


def _closest(name: str, known: Iterable[str], shown: str) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f": did you mean {shown.format(close[0])}?" if close else ""


def _variables(step: Any, known: set[str]) -> Iterator[str]:
    texts = [step.name, step.docstring or ""]
    if step.datatable is not None:
        texts.extend(cell for row in step.datatable.raw() for cell in row)
    for text in texts:
        if "${" not in text:
            continue  # most steps use no variable: no need to scan for one
        for name, is_call in references(text):
            if is_call and name not in GENERATORS:
                yield (
                    f"unknown generator ${{{name}()}} (known: {', '.join(GENERATORS)})"
                    + _closest(name, GENERATORS, "${{{}()}}")
                )
            elif not is_call and name not in known:
                yield f"variable ${{{name}}} is used before any step sets it" + _closest(
                    name, known, "${{{}}}"
                )


@functools.lru_cache(maxsize=16)  # read only to place a doc string's problem: a few files
def _file_lines(path: str, stamp: int) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").splitlines())


def docstring_origin(path: str, step_line: int) -> tuple[int, int] | None:
    """The file line of a step's doc string's first line, and the indentation of its opening
    delimiter (which Gherkin takes off every line), or None when it cannot be found."""
    try:
        lines = _file_lines(path, os.stat(path).st_mtime_ns)
    except (OSError, UnicodeDecodeError):
        return None
    for index in range(step_line, min(len(lines), step_line + 20)):  # the lines after the step
        stripped = lines[index].strip()
        if stripped.startswith(('"""', "```")):
            return index + 2, len(lines[index]) - len(lines[index].lstrip())
        if stripped and not stripped.startswith("#"):
            return None
    return None


# the steps the definitions' own checks passed, by (pattern, text, doc string, table): a step
# they passed once passes again (suites repeat their steps); at most _PASSED_LIMIT remembered
_PASSED = pytest.StashKey[set[tuple[str, str, str | None, Any]]]()
_PASSED_LIMIT = 4096


def _matched(
    config: pytest.Config, scenario: Any, step: Any, match: Any, known: set[str]
) -> Iterator[str]:
    """What the one definition matching ``step`` finds wrong with it; adds the variables it
    sets to ``known``."""
    definition, arguments = match.definition, match.arguments
    known.update(definition.variables_set(arguments))
    if definition.preflight is None:
        return
    # a check sees only the step (text, doc string, table) and the session's profile and index
    table = tuple(map(tuple, step.datatable.raw())) if step.datatable is not None else None
    key = (definition.pattern, step.name, step.docstring, table)
    passed = config.stash.setdefault(_PASSED, set())
    if key in passed:
        return
    found = PreflightStep(
        text=step.name,
        arguments=arguments,
        docstring=step.docstring,
        datatable=step.datatable.raw() if step.datatable is not None else None,
        models=lambda name: _is_model(config, name),
        unknown_model=lambda name: model_catalogue(config).unknown(name),
        index=registry_of(config),
    )
    problems = list(definition.preflight(found))
    if not problems:
        if len(passed) >= _PASSED_LIMIT:
            passed.clear()
        passed.add(key)
        return
    if step.docstring is not None:  # checked again, told where the doc string is in the file
        origin = docstring_origin(scenario.feature.filename, step.line_number)
        problems = list(definition.preflight(dataclasses.replace(found, docstring_origin=origin)))
    at = f"{_relative(scenario.feature.filename, config.rootpath)}:{step.line_number}:"
    text = f"{step.keyword.strip()} {step.name}"
    yield from (f"{at} {text!r}: {p}" for p in problems)


def text_step_problems(config: pytest.Config, scenario: Any, where: str) -> Iterator[str]:
    """The step problems of a scenario that has no item (its file is mended, not collected):
    api-bdd's definitions only, as pytest-bdd's own need an item to be found."""
    known = set(profile_of(config).variables)
    registry = registry_of(config)
    for step in scenario.steps:
        text = f"{step.keyword.strip()} {step.name}"
        at = f"{where}:{step.line_number}:"
        matches = registry.find(step.name)
        if not matches:
            yield f"{at} undefined step: {text!r}{_suggest(registry, step.name, None)}"
        elif len(matches) > 1:
            names = sorted(m.definition.function for m in matches)
            yield f"{at} ambiguous step {text!r} matches {', '.join(names)}"
        yield from (f"{at} {p}" for p in _variables(step, known))
        if len(matches) == 1:
            yield from _matched(config, scenario, step, matches[0], known)


# each distinct set of patterns the catalog counts is one tuple (most steps match one pattern)
_TUPLES = pytest.StashKey[dict[tuple[str, ...], tuple[str, ...]]]()


def _resolve(
    config: pytest.Config, item: pytest.Item, step: Any, definitions: list[Any]
) -> tuple[tuple[Match, ...], list[Any]]:
    """What matches ``step``: the index's answers (it remembers them per text) and pytest-bdd's
    own functions among ``definitions`` (those visible to ``item``)."""
    matches = registry_of(config).find(step.name)
    raw = _bdd.raw_matching_functions(item, step, definitions) if definitions else []
    return matches, raw


def step_patterns(item: pytest.Item, steps: Iterable[Any]) -> Iterator[tuple[str, ...]]:
    """The patterns of the definitions matching each of ``steps`` (``item``'s: the step catalog
    counts them), found again when asked rather than kept for every step of every scenario:
    the index still remembers its answer for each text."""
    config = item.config
    definitions = _bdd.raw_definitions(item)
    tuples = config.stash.setdefault(_TUPLES, {})
    for step in steps:
        matches, raw = _resolve(config, item, step, definitions)
        found = tuple([m.definition.pattern for m in matches] + list(map(_bdd.pattern_of, raw)))
        yield tuples.setdefault(found, found)


def step_problems(item: pytest.Item, scenario: Any) -> tuple[list[str | None], list[str], Any]:
    """Each step's function, the problems found, and the first (line, status) for the report."""
    config = item.config
    known = set(profile_of(config).variables)
    functions: list[str | None] = []
    problems: list[str] = []
    first: tuple[int, str] | None = None
    indexed = True
    definitions = _bdd.raw_definitions(item)  # pytest-bdd's own, visible here (usually none)
    for step in scenario.steps:
        matches, raw = _resolve(config, item, step, definitions)
        count = len(matches) + len(raw)
        indexed = indexed and count == 1 and not raw
        if count == 1:
            functions.append(matches[0].definition.function if matches else _bdd.name_of(raw[0]))
        else:
            functions.append(None)
            first = first or (step.line_number, "undefined" if count == 0 else "ambiguous")
            problems.append(_unresolved(config, item, scenario, step, matches, raw))
        if "${" in step.name or step.docstring or step.datatable is not None:
            problems.extend(f"{_at(config, scenario, step)} {p}" for p in _variables(step, known))
        if len(matches) == 1:
            problems.extend(_matched(config, scenario, step, matches[0], known))
    # every step in the index, none of pytest-bdd's: the scenario can skip pytest-bdd's lookup
    # (only a scenario of a feature file: a hand-written @scenario test has a body of its own)
    run_from_index(item, isinstance(item.parent, FeatureModule) and indexed)
    return functions, problems, first


def _at(config: pytest.Config, scenario: Any, step: Any) -> str:
    return f"{_relative(scenario.feature.filename, config.rootpath)}:{step.line_number}:"


def _unresolved(
    config: pytest.Config, item: pytest.Item, scenario: Any, step: Any, matches: Any, raw: Any
) -> str:
    """The problem of a step no definition, or more than one, matches."""
    text = f"{step.keyword.strip()} {step.name}"
    at = _at(config, scenario, step)
    if not matches and not raw:
        return f"{at} undefined step: {text!r}{_suggest(registry_of(config), step.name, item)}"
    names = sorted([m.definition.function for m in matches] + list(map(_bdd.name_of, raw)))
    return f"{at} ambiguous step {text!r} matches {', '.join(names)}"


def pytest_collection(session: pytest.Session) -> None:
    """Whole-file problems stop the run before collection (or are listed by --check-features)."""
    config = session.config
    profile = profile_of(config)
    problems = [
        problem
        for path in feature_files(config, profile)
        for problem in file_problems(path, config.rootpath, config)
    ]
    if problems and not config.getoption("check_features"):
        raise pytest.UsageError("feature file problems\n" + "\n".join(problems))
    loops = symlink_loops(config, profile)
    if config.getoption("check_features"):
        problems.extend(loops)
    else:
        for loop in loops:  # the run is right (each file once): a warning, not a stop
            _warn(config, loop)
    config.stash[_FOUND] = problems


def _warn(config: pytest.Config, problem: str) -> None:
    """A warning located at the path the problem names, not at this line of code."""
    where = problem.split(": ", 1)[0]
    warning = pytest.PytestWarning(f"api-bdd: {problem}")
    message = warnings.WarningMessage(warning, type(warning), where, 0)
    config.hook.pytest_warning_recorded.call_historic(
        kwargs={"warning_message": message, "when": "collect", "nodeid": "", "location": None}
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under --check-features a broken file is listed, not collected (it would not parse)."""
    found = config.stash.get(_FOUND, [])
    where = _relative(collection_path, config.rootpath)
    if any(p.startswith(f"{where}:") for p in found):
        return True
    return None


_CHECKED = pytest.StashKey[tuple[str, ...]]()


def check_item(item: pytest.Item) -> tuple[str, ...]:
    """Resolve and check ``item``'s steps, once: the problems found (a scenario with one fails
    at set-up), and each step's function told to the reporters (``steps_resolved``)."""
    if _CHECKED in item.stash:
        return item.stash[_CHECKED]
    scenario = _bdd.steps_of(item)
    if scenario is None:
        item.stash[_CHECKED] = ()
        return ()
    functions, problems, first = step_problems(item, scenario)
    item.stash[_CHECKED] = tuple(problems)  # (no problem: the one empty tuple)
    _bdd.forget(item)  # the rendered scenario: the run renders its own
    item.config.hook.pytest_api_bdd_steps_resolved(item=item, functions=functions, problem=first)
    if problems:
        item.stash[PROBLEM] = "\n".join(problems)
    return item.stash[_CHECKED]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Under --check-features every scenario is checked now, and listed; otherwise each is
    checked as it starts (:func:`pytest_runtest_protocol`): a run checks the scenarios it runs
    (an xdist worker, its own share), and --collect-only runs none."""
    if not config.getoption("check_features"):
        return
    found = config.stash.setdefault(_FOUND, [])
    for item in items:
        found.extend(p for p in check_item(item) if p not in found)
    config.stash[_FOUND] = found
    items.clear()


@pytest.hookimpl(wrapper=True, tryfirst=True)  # before the reporters start the scenario's record
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    check_item(item)
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    check_item(item)  # (checked already, unless a plugin runs the set-up on its own)
    problem = item.stash.get(PROBLEM, None)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.getoption("check_features"):
        return
    found = config.stash.get(_FOUND, [])
    for problem in found:
        terminalreporter.write_line(problem, red=True)
    count = len(found)
    summary = "no problems found" if not count else f"{count} problem{'s' * (count != 1)} found"
    terminalreporter.write_line(f"api-bdd: --check-features: {summary}", bold=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if session.config.getoption("check_features"):
        session.exitstatus = 1 if session.config.stash.get(_FOUND, []) else 0
