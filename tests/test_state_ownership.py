"""No ordering rules between modules: what a session keeps has one owner.

Every ``pytest.StashKey`` is declared by one module and written (set, defaulted, deleted) by
that module alone; another module asks it through a function. Facts a fixture produces (the
run's credentials) are fixtures, not a stash key another fixture happens to fill first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("steps", "reporting", "demo_api", "bench")


def _declared(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and "StashKey" in ast.unparse(node.value):
            names.add(ast.unparse(node.targets[0]))
        elif isinstance(node, ast.AnnAssign) and "StashKey" in ast.unparse(node):
            names.add(ast.unparse(node.target))
    return names


def _stash_writes(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, key as written) of every ``X.stash[KEY] = / del`` and ``X.stash.setdefault(KEY``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and ast.unparse(target.value).endswith("stash"):
                found.append((getattr(node, "lineno", 0), ast.unparse(target.slice)))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("setdefault", "pop")
            and ast.unparse(node.func.value).endswith("stash")
            and node.args
        ):
            found.append((node.lineno, ast.unparse(node.args[0])))
    return found


def test_every_stash_key_is_written_only_by_the_module_that_declares_it() -> None:
    trees = {
        path: ast.parse(path.read_text())
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    owners: dict[str, list[Path]] = {}
    for path, tree in trees.items():
        for name in _declared(tree):
            owners.setdefault(name, []).append(path)
    elsewhere: list[str] = []
    for path, tree in trees.items():
        own = _declared(tree)
        for line, key in _stash_writes(tree):
            name = key.rsplit(".", 1)[-1]
            if name not in own and name in owners:  # a loop variable over its own keys passes
                where = ", ".join(str(p.relative_to(ROOT)) for p in owners[name])
                elsewhere.append(f"{path.relative_to(ROOT)}:{line} writes {key} ({where} owns it)")
    assert elsewhere == []


TEST = """
def test_reads_the_credentials(api_credentials):
    assert api_credentials["STATE_TOKEN"] == "from-the-environment"
"""


def test_the_run_credentials_are_a_fixture_any_test_or_plugin_can_ask_for(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATE_TOKEN", "from-the-environment")
    pytester.makeconftest(f"pytest_plugins = {['steps.options', 'steps.fixtures']!r}\n")
    pytester.makepyfile(test_state=TEST)
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        addopts = ["-p", "no:cacheprovider"]
        [tool.api-bdd]
        default = "state"
        [tool.api-bdd.profiles.state]
        base_url = "http://127.0.0.1:9"
        auth = {{ scheme = "bearer", token_env = "STATE_TOKEN" }}
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_credentials_fixture_shows_where_they_come_from_never_a_value() -> None:
    from steps.fixtures import Credentials

    credentials = Credentials({"API_PASSWORD": "hunter2-canary"}, "the environment")
    assert credentials["API_PASSWORD"] == "hunter2-canary"
    assert dict(credentials) == {"API_PASSWORD": "hunter2-canary"}
    assert repr(credentials) == "<credentials: the environment>"  # --debug prints fixtures
