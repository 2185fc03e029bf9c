"""The order of ``pytest_plugins`` changes nothing: masking, reports and results are the same.

A secret the steps plugin reads at configure time (a profile's own variable name, which the
settings never name) is announced through a historic hook, so the reporting plugin receives
it whether it is registered before or after the steps plugin; so is the profile's OpenAPI
document (operation coverage). Several orders of the composition root's plugins (as listed,
reversed, reporting first, fixtures last, and seeded shuffles) run the same project; their
outcomes, their masking and every report they write (living-docs data, Cucumber Messages,
Markdown, JUnit), timings and ids aside, are identical.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from typing import Any

import pytest

from tests.conftest import ROOT

PLUGINS = re.compile(r"pytest_plugins = \[(.*?)\n\]", re.DOTALL)

STEPS = """
import os

from pytest_bdd import then

from steps import then as api_then


@api_then("the colour is remembered")
def colour_remembered(ctx):
    assert ctx.variables.expand("${colour}") == "blue"



@then("the order token is printed")
def order_token_printed():
    print("the order token is", os.environ["ORDER_TOKEN"])
    assert os.environ["ORDER_TOKEN"] == ""
"""

FEATURE = """Feature: Order
  Scenario: A step prints the token
    Then the order token is printed

  Scenario: A variable is set
    Given the variable colour is "blue"
    Then the colour is remembered

  Scenario: An undefined step
    Given a step nobody wrote
"""


def plugin_names() -> list[str]:
    found = PLUGINS.search((ROOT / "conftest.py").read_text())
    assert found is not None, "conftest.py lists its plugins in pytest_plugins"
    return re.findall(r'"([\w.]+)"', found.group(1))


def orders() -> dict[str, list[str]]:
    names = plugin_names()
    reporting_first = ["reporting.plugin", *[n for n in names if n != "reporting.plugin"]]
    fixtures_last = [*[n for n in names if n != "steps.fixtures"], "steps.fixtures"]
    shuffled = {}
    for seed in (18, 2026):
        order = list(names)
        random.Random(seed).shuffle(order)
        shuffled[f"shuffled ({seed})"] = order
    return {
        "as listed": names,
        "reversed": names[::-1],
        "reporting first": reporting_first,
        "fixtures last": fixtures_last,
        **shuffled,
    }


def project(pytester: pytest.Pytester, plugins: list[str]) -> None:
    listed = ",\n    ".join(f'"{name}"' for name in [*plugins, "order_steps"])
    pytester.makeconftest(
        f'import pytest\npytest.register_assert_rewrite("steps", "reporting")\n'
        f"pytest_plugins = [\n    {listed},\n]\n"
    )
    pytester.makepyfile(order_steps=STEPS)
    (pytester.path / "features").mkdir(exist_ok=True)
    (pytester.path / "features" / "order.feature").write_text(FEATURE)
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        bdd_features_base_dir = "features/"
        addopts = ["-p", "no:cacheprovider"]
        [tool.api-bdd]
        default = "orders"
        [tool.api-bdd.profiles.orders]
        base_url = "http://127.0.0.1:9"
        features = ["features"]
        auth = {{ scheme = "bearer", token_env = "ORDER_TOKEN" }}
        openapi = "{ROOT}/tests/suites/shop/models/shop.openapi.json"
        """
    )


def test_a_secret_is_masked_the_same_whatever_order_the_plugins_load_in(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = f"order-{secrets.token_hex(16)}"
    monkeypatch.setenv("ORDER_TOKEN", token)
    shown: dict[str, list[str]] = {}
    for order, plugins in orders().items():
        project(pytester, plugins)
        result = pytester.runpytest_subprocess("--junitxml", "junit.xml")
        result.assert_outcomes(failed=1, passed=1, errors=1)
        written = (pytester.path / "junit.xml").read_text()
        everything = result.stdout.str() + result.stderr.str() + written
        for form in (token, token[:12], token[-12:]):
            assert form not in everything, order
        shown[order] = [
            line for line in result.stdout.lines if line.startswith("the order token is ")
        ]
    assert all(lines == shown["as listed"] for lines in shown.values()), shown
    assert shown["as listed"] == ["the order token is ***"]


REPORTS = {
    "--report-data": "data.json",
    "--cucumber-messages": "run.ndjson",
    "--living-docs-markdown": "summary.md",
    "--junitxml": "junit.xml",
}
# what differs between two runs of the same project whatever the order: clocks, durations,
# generated ids (each is replaced by the order it first appears in, so references still match)
VARYING_KEYS = frozenset({"duration", "timestamp", "seconds", "nanos", "started", "finished"})
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMES = re.compile(
    r'(time|timestamp|duration)="[^"]*"|\b\d+(\.\d+)? ?(s|ms)\b|\d{4}-\d\d-\d\d[T ][\d:.+]+'
)


def normalised(text: str) -> str:
    ids: dict[str, str] = {}
    text = UUID.sub(lambda m: ids.setdefault(m.group(), f"<id {len(ids)}>"), text)
    return TIMES.sub("<time>", text)


def without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in VARYING_KEYS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def reports(pytester: pytest.Pytester) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in REPORTS.values():
        text = normalised((pytester.path / name).read_text())
        if name.endswith(".json"):
            found[name] = without_timings(json.loads(text))
        elif name.endswith(".ndjson"):
            found[name] = [without_timings(json.loads(line)) for line in text.splitlines()]
        else:
            found[name] = text
    return found


def test_reports_and_results_are_the_same_whatever_order_the_plugins_load_in(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDER_TOKEN", f"order-{secrets.token_hex(16)}")
    runs: dict[str, tuple[dict[str, int], dict[str, Any]]] = {}
    for order, plugins in orders().items():
        project(pytester, plugins)
        for name in REPORTS.values():  # the Markdown summary is appended to, as CI's are
            (pytester.path / name).unlink(missing_ok=True)
        # and the run history grows by a run each time: each order starts from none
        for kept in (pytester.path / "reports").glob("history.sqlite*"):
            kept.unlink()
        options = [part for flag, name in REPORTS.items() for part in (flag, name)]
        result = pytester.runpytest_subprocess(*options, "-p", "no:randomly")
        runs[order] = (result.parseoutcomes(), reports(pytester))
    outcomes, written = runs["as listed"]
    assert outcomes == {"failed": 1, "passed": 1, "errors": 1}
    assert written["data.json"]["catalog"], "the step catalog is in the report data"
    for order, (seen, files) in runs.items():
        assert seen == outcomes, order
        for name, content in files.items():
            assert content == written[name], f"{name} differs when the plugins load {order}"


DOCUMENT_PLUGIN = """
import pytest


class LateListener:
    def pytest_api_bdd_openapi_document(self, config, document, base_path):
        print("the late listener got", document["info"]["title"])


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    config.pluginmanager.register(LateListener(), "late-listener")
"""


def test_a_plugin_registered_at_configure_time_still_receives_the_openapi_document(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, plugin_names())
    pytester.makepyfile(late_listener=DOCUMENT_PLUGIN)
    result = pytester.runpytest_subprocess("-p", "late_listener", "-s", "-p", "no:randomly")
    assert any(line.startswith("the late listener got ") for line in result.stdout.lines)


EARLY_READER = """
import pytest

from steps.fixtures import profile_of


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    print("the early reader sees the profile", profile_of(config).name)
"""


def test_a_plugin_configured_before_the_steps_plugin_can_ask_for_the_profile(
    pytester: pytest.Pytester,
) -> None:
    # registered last, its tryfirst pytest_configure runs before the steps plugin's
    project(pytester, [*plugin_names(), "early_reader"])
    pytester.makepyfile(early_reader=EARLY_READER)
    result = pytester.runpytest_subprocess("-s", "-p", "no:randomly")
    assert "the early reader sees the profile orders" in result.stdout.lines
