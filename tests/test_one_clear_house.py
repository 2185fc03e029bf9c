"""The framework's code stays readable: short functions, one name per idea, no dead helpers.

Read from the source (``ast``), the way a reviewer reads it: what a newcomer changes must be
small enough to hold in one's head, and an idea must not hide under several names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = ("client", "models", "steps", "reporting", "demo_api")
LONGEST = 60  # lines of one function, decorators aside


def _framework_files() -> Iterator[Path]:
    for package in FRAMEWORK:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "generated" not in path.name:  # generated models are not read by people
                yield path


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_framework_function_is_longer_than_sixty_lines() -> None:
    long = []
    for path in _framework_files():
        for function in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = (function.end_lineno or function.lineno) - function.lineno + 1
            if lines > LONGEST:
                long.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name} {lines}")
    assert not long, "functions over 60 lines:\n" + "\n".join(long)


# The idea "a request was sent and nothing says whether it was applied" is "outcome unknown".
_OTHER_NAMES = {"unsure", "unknown", "unknown_outcomes", "_unless_unknown", "last_unknown"}
_OUTCOME_MODULES = (
    "client/_retry.py",
    "client/_retrying.py",
    "client/_exchange.py",
    "client/_errors.py",
    "steps/context.py",
)


def _defined_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.lineno, node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.lineno, node.target.id


def test_a_request_whose_outcome_is_unknown_has_one_name_in_the_code() -> None:
    others = [
        f"{module}:{line} {name}"
        for module in _OUTCOME_MODULES
        for line, name in _defined_names(ast.parse((ROOT / module).read_text(encoding="utf-8")))
        if name in _OTHER_NAMES
    ]
    assert not others, "say 'outcome_unknown' instead of:\n" + "\n".join(others)


def _unused_private_globals(tree: ast.Module) -> list[str]:
    defined: dict[str, int] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if (
                isinstance(target, ast.Name)
                and target.id.startswith("_")
                and not target.id.startswith("__")
            ):
                defined[target.id] = node.lineno
        if (
            isinstance(node, ast.FunctionDef | ast.ClassDef)
            and node.name[:1] == "_" != node.name[1:2]
        ):
            defined[node.name] = node.lineno
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return [f"{line} {name}" for name, line in defined.items() if name not in used]


def test_no_framework_module_keeps_a_private_helper_nobody_uses() -> None:
    unused = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in _framework_files()
        for where in _unused_private_globals(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not unused, "private module names nothing reads:\n" + "\n".join(unused)


def test_the_living_docs_and_the_history_read_the_same_git_facts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # One reader of git and CI's variables: on a pull request the page's header and the run
    # history name the same branch (the PR's), not GitHub's "N/merge" ref for one of them.
    from reporting.history_rows import git_facts
    from reporting.livingdocs import git_state

    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123")
    monkeypatch.setenv("GITHUB_HEAD_REF", "billing-refunds")
    monkeypatch.setenv("GITHUB_REF_NAME", "12/merge")
    commit, branch = git_facts(tmp_path)
    assert git_state(git_facts(tmp_path)) == {"commit": "0123456789ab", "branch": "billing-refunds"}
    assert (commit, branch) == ("0123456789abcdef0123", "billing-refunds")
