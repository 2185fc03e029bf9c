"""Scenarios whose every step is in api-bdd's index run without pytest-bdd's per-step lookup,
and still announce every step through pytest-bdd's hooks (its reports, our recorder)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROJECT = """
[tool.pytest.ini_options]
pythonpath = ["{root}"]
addopts = ["-p", "no:cacheprovider"]

[tool.api-bdd]
default = "quiet"
[tool.api-bdd.profiles.quiet]
base_url = "{base_url}"
features = ["features"]
"""

# Steps that need no API; a spy counting pytest-bdd's step lookups; the hooks seen, in order.
SPY = """
import importlib
import json
import os

from pytest_bdd import then as bdd_then

from steps import given, then, when

LOOKUPS = []
HOOKS = []
runner = importlib.import_module("pytest_bdd.scenario")  # the package exports a function so named
_lookup = runner.get_step_function


def _counting(request, step):
    LOOKUPS.append(step.name)
    return _lookup(request, step)


runner.get_step_function = _counting


@given("a basket of {count:d}")
def basket(count):
    HOOKS.append(f"called basket {count}")


@when("I add {count:d} with a note:")
def add(count, docstring):
    HOOKS.append(f"called add {count} {docstring!r}")


@then("the basket holds {count:d}")
def holds(count):
    assert count == 3, f"the basket holds 3, not {count}"


@bdd_then("pytest-bdd's own step runs too")
def own_step():
    HOOKS.append("called own step")


def pytest_bdd_before_scenario(scenario):
    HOOKS.append(f"before scenario {scenario.name}")


def pytest_bdd_after_scenario(scenario):
    HOOKS.append(f"after scenario {scenario.name}")


def pytest_bdd_before_step(step):
    HOOKS.append(f"before step {step.name}")


def pytest_bdd_before_step_call(step, step_func_args):
    HOOKS.append(f"before call {step.name}: {sorted(step_func_args)}")


def pytest_bdd_after_step(step):
    HOOKS.append(f"after step {step.name}")


def pytest_bdd_step_error(step, exception):
    HOOKS.append(f"error {step.name}: {exception}")


def pytest_unconfigure(config):
    with open(os.environ["SPY_OUT"], "w") as out:
        json.dump({"lookups": LOOKUPS, "hooks": HOOKS}, out)
"""

FEATURE = """
Feature: Basket
  Scenario: Indexed
    Given a basket of 1
    When I add 2 with a note:
      \"\"\"
      fragile
      \"\"\"
    Then the basket holds 3

  Scenario: Indexed and failing
    Given a basket of 1
    Then the basket holds 4
    And the basket holds 3

  Scenario: Mixed
    Given a basket of 1
    Then pytest-bdd's own step runs too
"""


@pytest.fixture
def basket(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    conftest = (ROOT / "conftest.py").read_text()
    (pytester.path / "conftest.py").write_text(
        conftest.replace('"reporting.plugin",', '"reporting.plugin",\n    "spy_steps",')
    )
    (pytester.path / "spy_steps.py").write_text(SPY)
    (pytester.path / "pyproject.toml").write_text(
        PROJECT.format(root=ROOT, base_url="http://127.0.0.1:9")
    )
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "basket.feature").write_text(textwrap.dedent(FEATURE))
    out = pytester.path / "spy.json"
    monkeypatch.setenv("SPY_OUT", str(out))
    return out


def test_indexed_scenarios_skip_pytest_bdds_step_lookup_and_keep_its_hooks(
    pytester: pytest.Pytester, basket: Path
) -> None:
    result = pytester.runpytest_subprocess("--cucumberjson", "cucumber.json")
    result.assert_outcomes(passed=2, failed=1)
    seen = json.loads(basket.read_text())
    # only the scenario with a pytest-bdd step went through pytest-bdd's lookup
    assert seen["lookups"] == ["a basket of 1", "pytest-bdd's own step runs too"]
    hooks = seen["hooks"]
    first = hooks[: hooks.index("after scenario Indexed") + 1]
    assert first == [
        "before scenario Indexed",
        "before step a basket of 1",
        "before call a basket of 1: ['api_bdd_step_text', 'request']",
        "called basket 1",
        "after step a basket of 1",
        "before step I add 2 with a note:",
        "before call I add 2 with a note:: ['api_bdd_step_text', 'docstring', 'request']",
        "called add 2 'fragile'",
        "after step I add 2 with a note:",
        "before step the basket holds 3",
        "before call the basket holds 3: ['api_bdd_step_text', 'request']",
        "after step the basket holds 3",
        "after scenario Indexed",
    ]
    errors = [h for h in hooks if h.startswith("error ")]
    assert len(errors) == 1
    assert errors[0].startswith("error the basket holds 4: the basket holds 3, not 4")
    failing = hooks[hooks.index("before scenario Indexed and failing") :]
    failing = failing[: failing.index("after scenario Indexed and failing") + 1]
    assert failing[-2:] == [errors[0], "after scenario Indexed and failing"]  # the rest skipped
    # pytest-bdd's own report saw each step's outcome
    report = json.loads((pytester.path / "cucumber.json").read_text())
    statuses = {
        element["name"]: [step["result"]["status"] for step in element["steps"]]
        for element in report[0]["elements"]
    }
    assert statuses == {
        "Indexed": ["passed", "passed", "passed"],
        "Indexed and failing": ["passed", "failed", "failed"],  # pytest-bdd's way: the rest fail
        "Mixed": ["passed", "passed"],
    }


def test_a_failing_indexed_step_is_one_line_naming_the_step(
    pytester: pytest.Pytester, basket: Path
) -> None:
    result = pytester.runpytest_subprocess("-k", "failing")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(
        ["features/basket.feature:13  Then the basket holds 4", "*the basket holds 3, not 4"]
    )
    assert "dispatch.py" not in result.stdout.str()


FREEZE_PROBE = """
import gc


def pytest_runtest_setup(item):
    print(f"frozen at set-up: {gc.get_freeze_count() > len(item.session.items) * 10}")
"""


def test_what_collection_built_is_kept_out_of_the_garbage_collectors_way(
    pytester: pytest.Pytester, basket: Path
) -> None:
    """Items, parsed features and plugins live to the end of the run: the cyclic collector's
    passes (and the one at exit) need not walk them."""
    pytester.makepyfile(freeze_probe=FREEZE_PROBE)
    result = pytester.runpytest_subprocess("-p", "freeze_probe", "-s", "-k", "Indexed and not fail")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*frozen at set-up: True*"])


# A step that builds the scenario's context (no request: nothing listens at the base URL), and
# a count of pytest's fixture executions, cached ones included, by fixture.
CONTEXT_SPY = """
import collections
import json
import os

import _pytest.fixtures

from steps import given

EXECUTED = collections.Counter()
_execute = _pytest.fixtures.FixtureDef.execute


def _counting(self, request):
    EXECUTED[self.argname] += 1
    return _execute(self, request)


_pytest.fixtures.FixtureDef.execute = _counting


MARKS = {}


@given("a context number {n:d}")
def a_context(ctx, n):
    assert ctx.profile.name == "quiet"
    MARKS[n] = getattr(ctx.auth, "probe_mark", "default")


def pytest_unconfigure(config):
    with open(os.environ["SPY_OUT"], "w") as out:
        json.dump({"executed": EXECUTED, "marks": MARKS}, out)
"""

# an override of the authenticator that marks what it hands on
MARKED = """
import itertools

import pytest


class Marked:
    def __init__(self, inner, mark):
        self._inner, self.probe_mark = inner, mark

    def __getattr__(self, name):
        return getattr(self._inner, name)


_calls = itertools.count(1)
"""


def test_a_scenarios_context_does_not_walk_the_session_fixtures_again(
    pytester: pytest.Pytester, basket: Path
) -> None:
    """pytest walks a fixture's arguments each time a test uses it, cached or not (and builds
    a fixture for ``request`` at each one that takes it): ``ctx`` asks for one session fixture,
    which asked for the client, authenticator, profile and credentials once (issue 19)."""
    (pytester.path / "spy_steps.py").write_text(CONTEXT_SPY)
    scenarios = "".join(f"  Scenario: S{n}\n    Given a context number {n}\n" for n in range(5))
    (pytester.path / "features" / "basket.feature").write_text(f"Feature: F\n{scenarios}")
    pytester.runpytest_subprocess().assert_outcomes(passed=5)
    executed = json.loads(basket.read_text())["executed"]
    assert executed["ctx"] == 5
    for session_fixture in ("api_client", "authenticator", "api_credentials", "retry_policy"):
        assert executed[session_fixture] == 1, executed


def _contexts(pytester: pytest.Pytester, folders: dict[str, range]) -> None:
    (pytester.path / "spy_steps.py").write_text(CONTEXT_SPY)
    (pytester.path / "features" / "basket.feature").unlink()
    for folder, numbers in folders.items():
        where = pytester.path / "features" / folder
        where.mkdir(exist_ok=True)
        scenarios = "".join(f"  Scenario: S{n}\n    Given a context number {n}\n" for n in numbers)
        (where / f"f{numbers[0]}.feature").write_text(f"Feature: F{numbers[0]}\n{scenarios}")


def test_a_folders_own_authenticator_reaches_its_scenarios_contexts(
    pytester: pytest.Pytester, basket: Path
) -> None:
    """A folder's conftest.py overriding a session fixture the context is built from is
    seen by that folder's scenarios only (what pytest's own lookup gives)."""
    _contexts(pytester, {".": range(0, 3), "sub": range(3, 6)})
    (pytester.path / "features" / "sub" / "conftest.py").write_text(
        MARKED
        + """
@pytest.fixture(scope="session")
def authenticator(authenticator):
    return Marked(authenticator, "sub")
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=6)
    marks = json.loads(basket.read_text())["marks"]
    assert marks == {"0": "default", "1": "default", "2": "default"} | {
        str(n): "sub" for n in range(3, 6)
    }


def test_a_function_scoped_authenticator_is_built_for_every_scenario(
    pytester: pytest.Pytester, basket: Path
) -> None:
    _contexts(pytester, {".": range(0, 3)})
    conftest = pytester.path / "conftest.py"
    conftest.write_text(
        conftest.read_text()
        + MARKED
        + """
@pytest.fixture
def authenticator(authenticator):
    return Marked(authenticator, f"call {next(_calls)}")
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=3)
    marks = json.loads(basket.read_text())["marks"]
    assert marks == {"0": "call 1", "1": "call 2", "2": "call 3"}
