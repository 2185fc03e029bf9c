"""The order of ``pytest_plugins`` changes nothing: every secret reaches every plugin.

A secret the steps plugin reads at configure time (a profile's own variable name, which the
settings never name) is announced through a historic hook, so the reporting plugin receives
it whether it is registered before or after the steps plugin.
"""

from __future__ import annotations

import re
import secrets

import pytest

from tests.conftest import ROOT

PLUGINS = re.compile(r"pytest_plugins = \[(.*?)\n\]", re.DOTALL)

STEPS = """
import os

from pytest_bdd import then


@then("the order token is printed")
def order_token_printed():
    print("the order token is", os.environ["ORDER_TOKEN"])
    assert os.environ["ORDER_TOKEN"] == ""
"""

FEATURE = """Feature: Order
  Scenario: A step prints the token
    Then the order token is printed
"""


def plugin_names() -> list[str]:
    found = PLUGINS.search((ROOT / "conftest.py").read_text())
    assert found is not None, "conftest.py lists its plugins in pytest_plugins"
    return re.findall(r'"([\w.]+)"', found.group(1))


def orders() -> dict[str, list[str]]:
    names = plugin_names()
    reporting_first = ["reporting.plugin", *[n for n in names if n != "reporting.plugin"]]
    fixtures_last = [*[n for n in names if n != "steps.fixtures"], "steps.fixtures"]
    return {
        "as listed": names,
        "reversed": names[::-1],
        "reporting first": reporting_first,
        "fixtures last": fixtures_last,
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
        result.assert_outcomes(failed=1)
        written = (pytester.path / "junit.xml").read_text()
        everything = result.stdout.str() + result.stderr.str() + written
        for form in (token, token[:12], token[-12:]):
            assert form not in everything, order
        shown[order] = [
            line for line in result.stdout.lines if line.startswith("the order token is ")
        ]
    assert all(lines == shown["as listed"] for lines in shown.values()), shown
    assert shown["as listed"] == ["the order token is ***"]
