"""Failed steps in one line, and secrets kept out of feature files.

- A step that fails, whatever it raised (an assertion, a broken contract, a transport error, a
  ``KeyError`` in step code), is reported as ``feature:line  Step text`` plus the exception's
  type and message, without pytest-bdd's internals. ``--tb=long`` (or any explicit ``--tb``)
  keeps pytest's own report.
- A secret-looking value in a feature file is named with ``path:line``: in an Examples table
  it stops the run at collection (example values become test ids, JUnit names and cache
  entries); elsewhere it fails the scenarios of its own file at set-up, and the others run.

Authoring mistakes (malformed features, undefined or ambiguous steps, bad JSON doc strings...)
are the steps' pre-flight's (``steps/preflight.py``): it knows the step index.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from client import SettingsError, load_settings
from reporting.feature_lint import Judge, find_secrets

FAILED_STEP = pytest.StashKey[str]()
_SECRETS_IN_FILE = pytest.StashKey[dict[Path, list[str]]]()


def _relative(path: str, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return path


# -- secrets in features ------------------------------------------------------------------------
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
    """Lint the feature files of the run (the profile's, as the steps plugin lists them).

    A value in an Examples table stops the run: it becomes a test id as soon as the file is
    collected. Anywhere else (a doc string, a step, a step's table) it fails the scenarios of
    its own file, at set-up, naming the line; the other files run.
    """
    config = session.config
    hook = getattr(config.hook, "pytest_api_bdd_feature_files", None)
    files: list[Path] = [] if hook is None else hook(config=config)
    stopping: list[str] = []
    per_file: dict[Path, list[str]] = {}
    judge = Judge(_known_secrets())  # one for every file: their lines repeat across files
    for path in files or []:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # the pre-flight reports it, with the byte offset
        where = _relative(str(path), config.rootpath)
        for finding in find_secrets(text, judge=judge):
            line = f"{where}:{finding.line}: {finding.problem}"
            if finding.in_test_ids or config.getoption("check_features", False):
                stopping.append(line)
            else:
                per_file.setdefault(path.resolve(), []).append(line)
    if stopping:
        raise pytest.UsageError(
            "secret-looking value in a feature file (example values become test ids, JUnit names"
            " and cache entries: take secrets from the environment instead)\n" + "\n".join(stopping)
        )
    config.stash[_SECRETS_IN_FILE] = per_file


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A scenario of a file with a secret-looking value fails before any request."""
    found = item.config.stash.get(_SECRETS_IN_FILE, {})
    lines = found.get(item.path.resolve()) if found else None
    if lines:
        pytest.fail(
            "secret-looking value in its feature file (take secrets from the environment"
            " instead)\n" + "\n".join(lines),
            pytrace=False,
        )


# -- failed steps in one line -------------------------------------------------------------------
def pytest_bdd_step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    where = _relative(feature.filename, request.config.rootpath)
    request.node.stash[FAILED_STEP] = f"{where}:{step.line_number}  {step.keyword} {step.name}"


def one_line(error: BaseException) -> str:
    """``Type: message``, without the re-evaluated ``assert`` lines pytest adds."""
    message = str(error).strip() or type(error).__name__
    lines = message.splitlines()
    if len(lines) > 1 and lines[1].startswith("assert "):
        message = lines[0]  # the step's own message says it; drop pytest's re-evaluation
    return f"{type(error).__name__}: {message}"


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
        and call.when == "call"
        and call.excinfo is not None
        and isinstance(call.excinfo.value, Exception)
        and not explicit_tb
    ):
        report.longrepr = f"{step}\n{one_line(call.excinfo.value)}"
    return report
