"""The pre-flight: authoring mistakes found at collection, before any request is sent.

Per file (these stop the run, each as ``file:line: problem``): a file that is not UTF-8 (with
the byte offset), malformed Gherkin, two scenarios with one name in a feature (pytest-bdd would
silently keep one), a Scenario Outline without Examples. Per step, through the step index:
undefined steps (with the closest patterns), ambiguous steps, and what each definition's own
check finds (malformed JSON doc strings, unknown models or fuzzy markers, bad paths), and
``${variables}`` used before any step set them. A scenario with a problem fails at set-up,
before any fixture or request. ``--check-features`` lists every problem and exits (status 1
when there is one), opening no connection.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from steps import _bdd
from steps.collect import feature_files
from steps.fixtures import profile_of
from steps.registry import REGISTRY, PreflightStep
from steps.variables import GENERATORS, references

PROBLEM = pytest.StashKey[str]()
_FOUND = pytest.StashKey[list[str]]()
_MODEL_CACHE = pytest.StashKey[dict[str, bool]]()


def _relative(path: str | Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return str(path)


# -- per file ------------------------------------------------------------------------------------
def file_problems(path: Path, root: Path) -> Iterator[str]:
    """What is wrong with one feature file as a whole."""
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
        document = Parser().parse(TokenScanner(text))
    except (CompositeParserException, ParserError) as err:
        errors = getattr(err, "errors", None) or [err]
        for error in errors:
            location = getattr(error, "location", None) or {}
            message = re.sub(r"^\(\d+:\d+\): ", "", str(error).splitlines()[0])
            yield f"{where}:{location.get('line', '?')}: malformed feature: {message}"
        return
    feature = document.get("feature") or {}
    yield from _scenario_problems(feature.get("children", []), where, {})


def _scenario_problems(children: list[Any], where: str, seen: dict[str, int]) -> Iterator[str]:
    for child in children:
        if "rule" in child:
            yield from _scenario_problems(child["rule"].get("children", []), where, seen)
            continue
        scenario = child.get("scenario")
        if scenario is None:
            continue
        line, name = scenario["location"]["line"], scenario["name"]
        if name in seen:
            yield (
                f"{where}:{line}: scenario {name!r} has the name of the one at line {seen[name]}"
                f" ({where}:{seen[name]}): give each scenario its own name"
            )
        else:
            seen[name] = line
        outline = scenario["keyword"].strip() in ("Scenario Outline", "Scenario Template")
        if outline and not scenario.get("examples"):
            yield f"{where}:{line}: Scenario Outline {name!r} has no Examples table"


# -- per step ------------------------------------------------------------------------------------
def _is_model(config: pytest.Config, name: str) -> bool:
    cache = config.stash.setdefault(_MODEL_CACHE, {})
    if name not in cache:
        module_name = profile_of(config).models
        try:
            module = importlib.import_module(module_name) if module_name else None
        except ImportError:
            module = None
        cache[name] = isinstance(getattr(module, name, None), type)
    return cache[name]


def _suggest(text: str, item: pytest.Item) -> str:
    known = REGISTRY.patterns() + _bdd.raw_patterns(item)
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.6)
    return f"; did you mean: {' | '.join(close)}" if close else ""


def _variables(step: Any, known: set[str]) -> Iterator[str]:
    texts = [step.name, step.docstring or ""]
    if step.datatable is not None:
        texts.extend(cell for row in step.datatable.raw() for cell in row)
    for text in texts:
        for name, is_call in references(text):
            if is_call and name not in GENERATORS:
                yield f"unknown generator ${{{name}()}} (known: {', '.join(GENERATORS)})"
            elif not is_call and name not in known:
                yield f"variable ${{{name}}} is used before any step sets it"


def step_problems(item: pytest.Item, scenario: Any) -> tuple[list[str | None], list[str], Any]:
    """Each step's function, the problems found, and the first (line, status) for the report."""
    config = item.config
    where = _relative(scenario.feature.filename, config.rootpath)
    known = set(profile_of(config).variables)
    functions: list[str | None] = []
    problems: list[str] = []
    first: tuple[int, str] | None = None
    for step in scenario.steps:
        text = f"{step.keyword.strip()} {step.name}"
        at = f"{where}:{step.line_number}:"
        matches = REGISTRY.find(step.name)
        raw = _bdd.raw_matching_functions(item, step)
        count = len(matches) + len(raw)
        if count == 1:
            functions.append(matches[0].definition.function if matches else _bdd.name_of(raw[0]))
        else:
            functions.append(None)
            status = "undefined" if count == 0 else "ambiguous"
            first = first or (step.line_number, status)
            if count == 0:
                problems.append(f"{at} undefined step: {text!r}{_suggest(step.name, item)}")
            else:
                names = sorted(
                    [m.definition.function for m in matches] + list(map(_bdd.name_of, raw))
                )
                problems.append(f"{at} ambiguous step {text!r} matches {', '.join(names)}")
        problems.extend(f"{at} {p}" for p in _variables(step, known))
        if len(matches) == 1:
            definition = matches[0].definition
            arguments = matches[0].arguments
            if definition.preflight is not None:
                found = PreflightStep(
                    text=step.name,
                    arguments=arguments,
                    docstring=step.docstring,
                    datatable=step.datatable.raw() if step.datatable is not None else None,
                    models=lambda name: _is_model(config, name),
                )
                problems.extend(f"{at} {text!r}: {p}" for p in definition.preflight(found))
            known.update(definition.variables_set(arguments))
    return functions, problems, first


def pytest_collection(session: pytest.Session) -> None:
    """Whole-file problems stop the run before collection (or are listed by --check-features)."""
    config = session.config
    problems = [
        problem
        for path in feature_files(config, profile_of(config))
        for problem in file_problems(path, config.rootpath)
    ]
    if problems and not config.getoption("check_features"):
        raise pytest.UsageError("feature file problems\n" + "\n".join(problems))
    config.stash[_FOUND] = problems


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under --check-features a broken file is listed, not collected (it would not parse)."""
    found = config.stash.get(_FOUND, [])
    where = _relative(collection_path, config.rootpath)
    if any(p.startswith(f"{where}:") for p in found):
        return True
    return None


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    found = config.stash.setdefault(_FOUND, [])
    for item in items:
        scenario = _bdd.scenario_of(item)
        if scenario is None:
            continue
        functions, problems, first = step_problems(item, scenario)
        config.hook.pytest_api_bdd_steps_resolved(item=item, functions=functions, problem=first)
        if problems:
            item.stash[PROBLEM] = "\n".join(problems)
            found.extend(p for p in problems if p not in found)
    if config.getoption("check_features"):
        config.stash[_FOUND] = found
        items.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
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
