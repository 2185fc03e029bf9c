"""The speed bench's generic-vocabulary suite and the two projects that run it.

Scenario ``k`` of a suite of N is written as product owners write features now, in the
generic vocabulary (``docs/writing-features.md``): a POST with a JSON body, status and JSON
checks (a field equals a value, a field's type, a list's length), a remembered value reused in
the next request and a clean-up, ten steps::

    Scenario: item 3 is added, read and removed
      When I POST /items with JSON:
        \"\"\"
        {"name": "item-3", "price": "9.99", "tags": ["bench", "json"]}
        \"\"\"
      Then the response status is 201
      And the response JSON at name is "item-3"
      And the response JSON contains:
        \"\"\"
        {"id": "#number", "price": "9.99"}
        \"\"\"
      And I remember the response JSON at id as item_id
      And to clean up, I DELETE /items/${item_id}
      When I GET /items/${item_id}
      Then the response status is 200
      And the response JSON at id is ${item_id}
      And the response JSON at tags has 2 items

The same text runs two ways: an api-bdd project with no Python of its own
(:func:`write_api_bdd_vocab_project`: a profile in ``api-bdd.toml``, the vocabulary does the
rest), and bare pytest-bdd (:func:`write_bare_vocab_project`) with step definitions written as
a bare pytest-bdd user writes them: ``parsers.parse`` patterns, a context fixture, a pooled
``requests.Session`` and the clean-ups in the context fixture's finaliser.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import ROOT
from bench.speed_suite import API_BDD_CONFTEST, BINDER, PROBE, SCENARIOS_PER_FEATURE

STEPS_PER_SCENARIO = 10


def gherkin(number: int) -> str:
    """Scenario ``number`` of the vocabulary suite."""
    sent = {"name": f"item-{number}", "price": "9.99", "tags": ["bench", "json"]}
    return (
        f"  Scenario: item {number} is added, read and removed\n"
        "    When I POST /items with JSON:\n"
        '      """\n'
        f"      {json.dumps(sent)}\n"
        '      """\n'
        "    Then the response status is 201\n"
        f'    And the response JSON at name is "item-{number}"\n'
        "    And the response JSON contains:\n"
        '      """\n'
        '      {"id": "#number", "price": "9.99"}\n'
        '      """\n'
        "    And I remember the response JSON at id as item_id\n"
        "    And to clean up, I DELETE /items/${item_id}\n"
        "    When I GET /items/${item_id}\n"
        "    Then the response status is 200\n"
        "    And the response JSON at id is ${item_id}\n"
        "    And the response JSON at tags has 2 items\n"
    )


def write_vocab_features(directory: Path, count: int) -> None:
    """``count`` scenarios in files of :data:`~bench.speed_suite.SCENARIOS_PER_FEATURE`."""
    directory.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, SCENARIOS_PER_FEATURE):
        part = start // SCENARIOS_PER_FEATURE + 1
        last = min(start + SCENARIOS_PER_FEATURE, count)
        body = "\n".join(gherkin(number) for number in range(start + 1, last + 1))
        text = f"Feature: Items in the vocabulary, part {part}\n\n{body}"
        (directory / f"items_{part:04d}.feature").write_text(text, encoding="utf-8")


BARE_VOCAB_STEPS = '''\
"""Bare pytest-bdd: the vocabulary suite's steps, written by hand over a pooled Session."""

import json
import re

import pytest
import requests
from pytest_bdd import parsers, then, when

BASE_URL = {url!r}
VARIABLE = re.compile(r"\\$\\{{(\\w+)\\}}")


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def context(http):
    """The scenario's response, variables and clean-ups; the clean-ups run at its end."""
    found = {{"response": None, "variables": {{}}, "cleanups": []}}
    yield found
    for method, path in reversed(found["cleanups"]):
        answer = http.request(method, BASE_URL + path, timeout=10)
        assert answer.status_code < 300 or answer.status_code in (404, 410), answer.status_code


def expand(context, text):
    return VARIABLE.sub(lambda m: str(context["variables"][m.group(1)]), text)


def field_at(context, field):
    value = context["response"].json()
    for key in field.split("."):
        value = value[key]
    return value


@when(parsers.parse("I GET {{path}}"))
def get_path(http, context, path):
    context["response"] = http.get(BASE_URL + expand(context, path), timeout=10)


@when(parsers.parse("I POST {{path}} with JSON:"))
def post_json(http, context, path, docstring):
    body = json.loads(expand(context, docstring))
    context["response"] = http.post(BASE_URL + expand(context, path), json=body, timeout=10)


@then(parsers.parse("to clean up, I {{method}} {{path}}"))
def clean_up(context, method, path):
    context["cleanups"].append((method, expand(context, path)))


@then(parsers.parse("the response status is {{status:d}}"))
def status_is(context, status):
    assert context["response"].status_code == status, context["response"].text


@then(parsers.parse("the response JSON at {{field}} is {{value}}"))
def json_at_is(context, field, value):
    actual = field_at(context, field)
    assert actual == json.loads(expand(context, value)), actual


@then(parsers.parse("the response JSON at {{field}} has {{count:d}} items"))
def json_at_has_items(context, field, count):
    assert len(field_at(context, field)) == count


@then("the response JSON contains:")
def json_contains(context, docstring):
    body = context["response"].json()
    for key, expected in json.loads(docstring).items():
        if expected == "#number":
            assert isinstance(body[key], (int, float)), body
        else:
            assert body[key] == expected, body


@then(parsers.parse("I remember the response JSON at {{field}} as {{name}}"))
def remember(context, field, name):
    context["variables"][name] = field_at(context, field)
'''

API_BDD_VOCAB_TOML = """\
# The bench's API: everything api-bdd needs to run the vocabulary features, no Python.
default = "bench"

[profiles.bench]
base_url = {url!r}
features = ["features"]
"""


def write_bare_vocab_project(root: Path, count: int, base_url: str, *, extra: bool) -> None:
    """Bare pytest-bdd 9: the vocabulary suite's step definitions in a conftest, and a module
    binding the features (``extra`` is not used: the vocabulary suite has no +300 variant)."""
    del extra
    write_vocab_features(root / "features", count)
    (root / "bench_probe.py").write_text(PROBE, encoding="utf-8")
    (root / "test_features.py").write_text(BINDER, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    steps = BARE_VOCAB_STEPS.format(url=base_url)
    (root / "conftest.py").write_text(steps, encoding="utf-8")


def write_api_bdd_vocab_project(root: Path, count: int, base_url: str, *, extra: bool) -> None:
    """An api-bdd project with no Python of its own: the profile in ``api-bdd.toml`` and the
    conftest.py listing api-bdd's plugins that every api-bdd project has (``extra`` is not
    used). Run with ``PYTHONPATH`` set to the repository
    (:func:`~bench.speed_suite.api_bdd_env`)."""
    del extra
    write_vocab_features(root / "features", count)
    (root / "bench_probe.py").write_text(PROBE, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    profile = API_BDD_VOCAB_TOML.format(url=base_url)
    (root / "api-bdd.toml").write_text(profile, encoding="utf-8")
    conftest = API_BDD_CONFTEST.format(conftest=str(ROOT / "conftest.py"), own=[])
    (root / "conftest.py").write_text(conftest, encoding="utf-8")
