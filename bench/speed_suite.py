"""The speed bench's generated suite and the projects that run it.

Scenario ``k`` of a suite of N (k = 1..N) makes one request to the bench's JSON server and checks
it in four more steps; every fourth one POSTs a doc string, the others GET::

    Scenario: read item 3
      When I GET /items/3
      Then the response status is 200
      And the response JSON at id is 3
      And the response JSON at name is "item-3"
      And the response header "Content-Type" contains "json"

The same scenarios run three ways: :func:`raw_loop` (one pooled ``requests.Session``, no test
framework: the floor), a bare pytest-bdd project (:func:`write_bare_project`, hand-written step
definitions over a plain pooled ``Session``) and an api-bdd project
(:func:`write_api_bdd_project`, the one place that knows how api-bdd is set up). Each project
can carry 300 more step definitions that the suite never uses, and loads ``bench_probe``
(:data:`PROBE`), which times collection and the end of the session and counts outcomes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import ROOT

SCENARIOS_PER_FEATURE = 25
EXTRA_STEPS = 300


@dataclass(frozen=True)
class Scenario:
    """What scenario ``number`` sends and expects."""

    number: int

    @property
    def posts(self) -> bool:
        return self.number % 4 == 0

    @property
    def sent(self) -> dict[str, Any] | None:
        return {"id": self.number, "name": f"item-{self.number}"} if self.posts else None

    @property
    def status(self) -> int:
        return 201 if self.posts else 200

    def gherkin(self) -> str:
        number = self.number
        if self.posts:
            head = (
                f"  Scenario: add item {number}\n"
                "    When I POST /items with JSON:\n"
                '      """\n'
                f"      {json.dumps(self.sent)}\n"
                '      """\n'
            )
        else:
            head = f"  Scenario: read item {number}\n    When I GET /items/{number}\n"
        return (
            f"{head}"
            f"    Then the response status is {self.status}\n"
            f"    And the response JSON at id is {number}\n"
            f'    And the response JSON at name is "item-{number}"\n'
            '    And the response header "Content-Type" contains "json"\n'
        )


def suite(count: int) -> list[Scenario]:
    return [Scenario(number) for number in range(1, count + 1)]


def write_features(directory: Path, count: int) -> None:
    """``count`` scenarios in files of :data:`SCENARIOS_PER_FEATURE`."""
    directory.mkdir(parents=True, exist_ok=True)
    scenarios = suite(count)
    for start in range(0, count, SCENARIOS_PER_FEATURE):
        part = start // SCENARIOS_PER_FEATURE + 1
        body = "\n".join(s.gherkin() for s in scenarios[start : start + SCENARIOS_PER_FEATURE])
        text = f"Feature: Items, part {part}\n\n{body}"
        (directory / f"items_{part:04d}.feature").write_text(text, encoding="utf-8")


def raw_loop(base_url: str, count: int) -> int:
    """The floor: the suite's requests and checks in a plain loop over one pooled Session."""
    import requests

    with requests.Session() as session:
        for scenario in suite(count):
            path = "/items" if scenario.posts else f"/items/{scenario.number}"
            response = session.request(
                "POST" if scenario.posts else "GET",
                base_url + path,
                json=scenario.sent,
                timeout=10,
            )
            assert response.status_code == scenario.status, response.status_code
            body = response.json()
            assert body["id"] == scenario.number, body
            assert body["name"] == f"item-{scenario.number}", body
            assert "json" in response.headers["Content-Type"]
    return count


# -- the projects ------------------------------------------------------------------------------

PROBE = '''\
"""Bench probe: times collection and the end of the session, counts outcomes, writes JSON."""

import json
import os
import time
from collections import Counter

import pytest

TIMES = {}
OUTCOMES = Counter()


def pytest_collection(session):
    TIMES["collect_start"] = time.perf_counter()


def pytest_collection_finish(session):
    TIMES["collection"] = time.perf_counter() - TIMES.pop("collect_start")
    TIMES["items"] = len(session.items)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        TIMES["sessionfinish"] = time.perf_counter() - started


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        OUTCOMES[report.outcome] += 1


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):  # under xdist the controller speaks for the run
        with open(os.environ["BENCH_PROBE"], "w") as out:
            json.dump({**TIMES, "outcomes": dict(OUTCOMES)}, out)
'''

BINDER = '''\
"""Binds the generated features."""

from pytest_bdd import scenarios

scenarios("features")
'''

BARE_STEPS = '''\
"""Bare pytest-bdd: the suite's step definitions over one plain pooled requests.Session."""

import json

import pytest
import requests
from pytest_bdd import parsers, then, when

BASE_URL = {url!r}
{plugins}

@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def answer():
    return {{}}


@when(parsers.parse("I GET {{path}}"))
def get_path(http, answer, path):
    answer["response"] = http.get(BASE_URL + path, timeout=10)


@when(parsers.parse("I POST {{path}} with JSON:"))
def post_json(http, answer, path, docstring):
    answer["response"] = http.post(BASE_URL + path, json=json.loads(docstring), timeout=10)


@then(parsers.parse("the response status is {{status:d}}"))
def status_is(answer, status):
    assert answer["response"].status_code == status


@then(parsers.parse("the response JSON at {{field}} is {{value}}"))
def json_at(answer, field, value):
    actual = answer["response"].json()
    for key in field.split("."):
        actual = actual[key]
    assert actual == json.loads(value), actual


@then(parsers.parse('the response header "{{name}}" contains "{{text}}"'))
def header_contains(answer, name, text):
    assert text in answer["response"].headers[name]
'''


def extra_steps(header: str, parser: str) -> str:
    """A module of :data:`EXTRA_STEPS` step definitions the suite never uses.

    ``header`` imports ``given``, ``when``, ``then`` and the parser factory named ``parser``
    (none: the decorators take the pattern itself).
    """
    definitions = []
    for number in range(EXTRA_STEPS):
        kind = ("given", "when", "then")[number % 3]
        pattern = f'"the unused {kind} step {number} sees {{value}}"'
        decorated = f"{parser}({pattern})" if parser else pattern
        definitions.append(
            f"@{kind}({decorated})\n"
            f"def unused_{kind}_{number}(value: str) -> None:\n"
            f'    """Never used by the suite."""\n'
        )
    return f'"""{EXTRA_STEPS} unused step definitions."""\n\n{header}\n\n' + "\n\n".join(
        definitions
    )


def write_bare_project(root: Path, count: int, base_url: str, *, extra: bool) -> None:
    """Bare pytest-bdd 9: a conftest with the five step definitions (and the unused ones), and
    a module binding the features."""
    write_features(root / "features", count)
    (root / "bench_probe.py").write_text(PROBE, encoding="utf-8")
    (root / "test_features.py").write_text(BINDER, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    plugins = ""
    if extra:
        plugins = '\npytest_plugins = ["bench_extra_steps"]\n'
        header = "from pytest_bdd import given, parsers, then, when"
        text = extra_steps(header, "parsers.parse")
        (root / "bench_extra_steps.py").write_text(text, encoding="utf-8")
    conftest = BARE_STEPS.format(url=base_url, plugins=plugins)
    (root / "conftest.py").write_text(conftest, encoding="utf-8")


# -- api-bdd: everything that depends on how api-bdd is set up is below this line ----------------

API_BDD_CONFTEST = '''\
"""An api-bdd project: the plugins of api-bdd's composition root, plus this project's steps."""

import importlib.util

_spec = importlib.util.spec_from_file_location("api_bdd_composition", {conftest!r})
_composition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_composition)

pytest_plugins = [*_composition.pytest_plugins, *{own!r}]
'''

API_BDD_PYPROJECT = """\
[tool.api-bdd]
default = "bench"

[tool.api-bdd.profiles.bench]
base_url = {url!r}
features = ["features"]
"""
API_BDD_EXTRA_HEADER = "from steps import given, then, when"


def write_api_bdd_project(root: Path, count: int, base_url: str, *, extra: bool) -> None:
    """An api-bdd project as a user sets one up: a profile in pyproject.toml naming the API and
    the features (collected without a binder module, run by the generic vocabulary), and a
    conftest.py listing api-bdd's plugins (and the project's own steps, here the unused ones).

    Run with ``PYTHONPATH`` set to the repository (:func:`api_bdd_env`).
    """
    write_features(root / "features", count)
    (root / "bench_probe.py").write_text(PROBE, encoding="utf-8")
    (root / "pyproject.toml").write_text(API_BDD_PYPROJECT.format(url=base_url), encoding="utf-8")
    own = []
    if extra:
        own.append("bench_extra_steps")
        text = extra_steps(API_BDD_EXTRA_HEADER, "")
        (root / "bench_extra_steps.py").write_text(text, encoding="utf-8")
    conftest = API_BDD_CONFTEST.format(conftest=str(ROOT / "conftest.py"), own=own)
    (root / "conftest.py").write_text(conftest, encoding="utf-8")


def api_bdd_env(environ: dict[str, str]) -> dict[str, str]:
    """The environment an api-bdd project runs in: the repository importable."""
    return {**environ, "PYTHONPATH": str(ROOT)}
