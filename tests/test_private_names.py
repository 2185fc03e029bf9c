"""Every private pytest, pytest-bdd and pluggy name api-bdd uses: fenced, and still there.

Each name is read in one module per package (``steps/_bdd.py`` for pytest-bdd's step
registries, ``bdd_items.py`` for an item's scenario, which ``steps`` and ``reporting`` both
read, ``steps/_pytest.py`` and ``reporting/_pytest_private.py`` for pytest and pluggy), behind
a small function. A test per name fails, naming it and the module that reads it, when
an upgrade removes it; the fence test fails when a private name is read anywhere else.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pluggy
import pytest

from tests.conftest import ROOT


@dataclass(frozen=True)
class Private:
    library: str  # the distribution: its version goes into the message
    module: str
    attribute: str  # dotted, inside the module; "" for a string the module's source uses
    fences: tuple[str, ...]  # the modules (one per package) allowed to read it
    use: str

    @property
    def token(self) -> str:
        return self.attribute.split(".")[-1] or self.module

    def gone(self) -> str:
        where = f"{self.module}.{self.attribute}" if self.attribute else self.module
        return (
            f"{self.library} {version(self.library)} no longer has {where}, which"
            f" {' and '.join(self.fences)} read ({self.use}): install the versions in"
            " requirements.lock, or rewrite the function there that reads it"
        )


STEPS_BDD, ITEMS_BDD = "steps/_bdd.py", "bdd_items.py"
STEPS_PYTEST, REPORTING_PYTEST = "steps/_pytest.py", "reporting/_pytest_private.py"

PRIVATE = [
    Private(
        "pytest-bdd",
        "pytest_bdd.scenario",
        "scenario_wrapper_template_registry",
        (ITEMS_BDD,),
        "each item's scenario",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.steps",
        "step_function_context_registry",
        (STEPS_BDD,),
        "step definitions written with pytest-bdd's decorators",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.compat",
        "get_fixture_names",
        (STEPS_BDD,),
        "the fixtures an item sees",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.compat",
        "getfixturedefs",
        (STEPS_BDD,),
        "the definitions of a fixture an item sees",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.parser",
        "FeatureParser._parse_feature_file",
        (STEPS_BDD,),
        "parsing a mended copy of a feature file",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.gherkin_parser",
        "GherkinDocument.from_dict",
        (STEPS_BDD,),
        "parsing a mended copy of a feature file",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.scenario",
        "",
        (ITEMS_BDD,),
        "the parameter _pytest_bdd_example holding an outline row",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.reporting",
        "test_report_context_registry",
        (ITEMS_BDD,),
        "letting go of its copy of a scenario's run once its reporters read it",
    ),
    Private(
        "pytest-bdd",
        "pytest_bdd.reporting",
        "scenario_reports_registry",
        (ITEMS_BDD,),
        "letting go of its record of a scenario's run once its last report is made",
    ),
    Private(
        "pytest",
        "_pytest.junitxml",
        "xml_key",
        (REPORTING_PYTEST,),
        "adding JUnit testsuite properties at the end of the run",
    ),
    Private(
        "pytest",
        "_pytest.python",
        "Module._getobj",
        (STEPS_PYTEST,),
        "building a feature file's test module",
    ),
]


def resolve(private: Private) -> Any:
    found: Any = importlib.import_module(private.module)
    for part in filter(None, private.attribute.split(".")):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("private", PRIVATE, ids=lambda p: p.attribute or p.use.split()[-1])
def test_a_private_name_is_still_where_api_bdd_reads_it(private: Private) -> None:
    try:
        resolve(private)
    except (ImportError, AttributeError):
        pytest.fail(private.gone(), pytrace=False)
    for fence in private.fences:
        assert private.token in (ROOT / fence).read_text(), f"{fence} reads {private.token}"


def test_pytest_bdd_still_names_an_outline_row_pytest_bdd_example() -> None:
    source = inspect.getsource(importlib.import_module("pytest_bdd.scenario"))
    assert '"_pytest_bdd_example"' in source, PRIVATE[6].gone()


def test_pytest_still_keeps_the_fixture_manager_on_the_session(
    request: pytest.FixtureRequest,
) -> None:
    from steps._pytest import fixture_manager

    manager = getattr(request.session, "_fixturemanager", None)
    assert manager is not None, (
        f"pytest {pytest.__version__} no longer has Session._fixturemanager, which"
        f" {STEPS_PYTEST} reads (the fixtures an item sees, for pytest-bdd's compat functions)"
    )
    assert fixture_manager(request.session) is manager


def test_pluggy_still_writes_its_trace_through_a_writer_api_bdd_can_wrap() -> None:
    from reporting._pytest_private import trace_writer

    root = pluggy.PluginManager("probe").trace.root
    root.setwriter(print)
    assert trace_writer(root) is print, (
        f"pluggy {pluggy.__version__} no longer keeps its trace writer in TagTracer._writer,"
        f" which {REPORTING_PYTEST} reads (redacting --debug): --debug is refused until then"
    )


# the names above, as they appear in source; "_pytest_bdd_example" and "_writer" included
TOKENS = {
    "scenario_wrapper_template_registry": (ITEMS_BDD,),
    "step_function_context_registry": (STEPS_BDD,),
    "pytest_bdd.compat": (STEPS_BDD,),
    "_parse_feature_file": (STEPS_BDD,),
    "pytest_bdd.gherkin_parser": (STEPS_BDD,),
    "_pytest_bdd_example": (ITEMS_BDD,),
    "test_report_context_registry": (ITEMS_BDD,),
    "scenario_reports_registry": (ITEMS_BDD,),
    "_fixturemanager": (STEPS_PYTEST,),
    "_getobj": (STEPS_PYTEST,),
    "_pytest.": (REPORTING_PYTEST,),
    "xml_key": (REPORTING_PYTEST,),
    "_writer": (REPORTING_PYTEST,),
}


def framework_modules() -> list[Path]:
    modules = [ROOT / ITEMS_BDD]
    for package in ("client", "models", "steps", "reporting", "bench"):
        modules.extend(sorted((ROOT / package).rglob("*.py")))
    return modules


def test_no_private_name_is_read_outside_its_fence() -> None:
    outside: list[str] = []
    modules = framework_modules()
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        for token, fences in TOKENS.items():
            if relative not in fences and re.search(rf"(?<![\w.]){re.escape(token)}", text):
                outside.append(f"{relative} reads {token} (only {', '.join(fences)} may)")
    assert outside == []


def test_an_item_s_scenario_is_read_by_one_function_that_steps_and_reporting_share() -> None:
    defined: list[str] = []
    modules = framework_modules()
    for path in modules:
        for name in re.findall(
            r"^def (scenario_of|template_of|example_of)\(", path.read_text(), re.M
        ):
            defined.append(f"{path.relative_to(ROOT).as_posix()}: {name}")
    assert sorted(defined) == [
        f"{ITEMS_BDD}: {n}" for n in ("example_of", "scenario_of", "template_of")
    ]
