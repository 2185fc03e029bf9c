"""Authoring mistakes and failed expectations, reported in one line with file:line.

- A malformed feature file stops the run at collection with ``path:line: problem``; so does a
  secret-looking value in one (see :mod:`reporting.feature_lint`).
- An undefined step, or one that several step definitions match, is found at collection time
  (pytest-bdd finds the first only when the test runs, and picks among the second silently);
  the scenario then fails at setup, before any fixture or HTTP request, naming the step and the
  closest defined patterns.
- A step that fails an expectation (an assertion, a broken contract, a transport error) is
  reported as ``feature:line  Step text`` plus the message, without the framework traceback.
  Unexpected exceptions (bugs in step code) keep their traceback. ``--tb=long`` (or any
  explicit ``--tb``) keeps pytest's own report for everything.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.feature import get_features

from client import ApiClientError, SettingsError, load_settings
from reporting.bdd import function_name, matching_functions, scenario_of, step_patterns
from reporting.feature_lint import lint_feature
from reporting.recorder import AUTHORING, STEP_FUNCTIONS

AUTHORING_ERROR = pytest.StashKey[str]()
FAILED_STEP = pytest.StashKey[str]()

# Failures that are about the API or the feature, not about the step code: shown in one line.
EXPECTED_FAILURES = (AssertionError, ApiClientError)


def _relative(path: str, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return path


def features_dir(config: pytest.Config) -> Path | None:
    configured = config.getini("bdd_features_base_dir")
    if not configured:
        return None
    return Path(config.rootpath, configured).resolve()


# -- malformed features, secrets in features ------------------------------------------------
def _known_secrets() -> list[tuple[str, str]]:
    try:
        settings = load_settings()
    except SettingsError:
        return []
    pairs = [
        ("API_PASSWORD", settings.password),
        ("API_KEY", settings.key),
        ("API_TOKEN", settings.token),
    ]
    return [(name, value.get_secret_value()) for name, value in pairs if value is not None]


def pytest_collection(session: pytest.Session) -> None:
    base = features_dir(session.config)
    if base is None or not base.is_dir():
        return
    malformed, secrets = [], []
    known = _known_secrets()
    for path in sorted(base.rglob("*.feature")):
        where = _relative(str(path), session.config.rootpath)
        try:
            get_features([str(path)])  # parsed once: pytest-bdd caches by path
        except GherkinParseError as err:
            malformed.append(
                f"{where}:{err.line}: {err.message} (line: {err.line_content.strip()!r})"
            )
            continue
        for line, problem in lint_feature(path.read_text(encoding="utf-8"), known):
            secrets.append(f"{where}:{line}: {problem}")
    if malformed:
        raise pytest.UsageError("malformed feature file\n" + "\n".join(malformed))
    if secrets:
        raise pytest.UsageError(
            "secret-looking value in a feature file (example values become test ids, JUnit names"
            " and cache entries: take secrets from the environment instead)\n" + "\n".join(secrets)
        )


# -- undefined and ambiguous steps ----------------------------------------------------------
def _check_steps(item: pytest.Item, scenario: Any) -> str | None:
    """Stash each step's function for the report; return the first authoring error, if any."""
    where = _relative(scenario.feature.filename, item.config.rootpath)
    functions: list[str | None] = []
    problem: str | None = None
    for step in scenario.steps:
        funcs = matching_functions(item, step)
        text = f"{step.keyword.strip()} {step.name}"
        functions.append(function_name(next(iter(funcs))) if len(funcs) == 1 else None)
        if problem is not None:
            continue
        if not funcs:
            known = sorted({p for t, p in step_patterns(item) if t in ("", step.type)})
            close = difflib.get_close_matches(step.name, known, n=3, cutoff=0.5)
            hint = f"; closest: {' | '.join(close)}" if close else ""
            problem = f"{where}:{step.line_number}: undefined step: {text!r}{hint}"
            item.stash[AUTHORING] = (step.line_number, "undefined")
        elif len(funcs) > 1:
            names = sorted(function_name(f) for f in funcs)
            problem = (
                f"{where}:{step.line_number}: ambiguous step {text!r} matches {', '.join(names)}"
            )
            item.stash[AUTHORING] = (step.line_number, "ambiguous")
    item.stash[STEP_FUNCTIONS] = functions
    return problem


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        scenario = scenario_of(item)
        if scenario is None:
            continue
        message = _check_steps(item, scenario)
        if message is not None:
            item.stash[AUTHORING_ERROR] = message


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    message = item.stash.get(AUTHORING_ERROR, None)
    if message is not None:
        pytest.fail(message, pytrace=False)


# -- failed steps in one line ---------------------------------------------------------------
def pytest_bdd_step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    where = _relative(feature.filename, request.config.rootpath)
    request.node.stash[FAILED_STEP] = f"{where}:{step.line_number}  {step.keyword} {step.name}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    step = item.stash.get(FAILED_STEP, None)
    explicit_tb = item.config.option.tbstyle not in ("auto", None)
    if (
        step is not None
        and report.failed
        and call.excinfo is not None
        and isinstance(call.excinfo.value, EXPECTED_FAILURES)
        and not explicit_tb
    ):
        error = call.excinfo.value
        message = str(error).strip() or type(error).__name__
        lines = message.splitlines()
        if len(lines) > 1 and lines[1].startswith("assert "):
            message = lines[0]  # the step's own message says it; drop pytest's re-evaluation
        report.longrepr = f"{step}\n{type(error).__name__}: {message}"
    return report
