"""The framework's tests and benches stand apart from the example suites.

``make remove-examples`` deletes the shop's and httpbin's features, the shop's steps and models
and their profiles; the framework's tests and benches then run as before because they use their
own copy, ``tests/suites/``. Two checks: nothing in ``tests/`` or ``bench/`` imports or names an
example (AST imports, dotted module names and repository paths in strings), and while the
examples are there, each copied file is its example's, module and path names moved.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

# example -> the framework tests' copy of it
COPIES = {
    "features/shop": "tests/suites/shop",
    "features/httpbin": "tests/suites/httpbin",
    "steps/shop": "tests/suites/shop/steps",
    "models/shop.py": "tests/suites/shop/models/shop.py",
    "models/shop_generated.py": "tests/suites/shop/models/shop_generated.py",
    "models/shop.openapi.json": "tests/suites/shop/models/shop.openapi.json",
}
# what make remove-examples deletes: the examples and their profiles
EXAMPLES = (*COPIES, "api-bdd.examples.toml")
# what names the examples in code: their modules, dotted, anywhere (imported from the
# repository's root); the steps' and models' paths anywhere; the features and profiles when the
# path starts at the repository (ROOT / "features" / "shop", f"{ROOT}/features/shop"): a bare
# "features/shop" is the framework tests' own scratch project's copy
_MODULE = re.compile(r"(?<![\w.])(?:steps\.shop|models\.shop\w*)(?![\w])")
_PATH = re.compile(r"(?<![\w.-])(?<!shop/)(?:steps/shop|models/shop)")
_ROOTED = re.compile(
    r"^\{ROOT\}/(?:features/shop|features/httpbin|api-bdd\.examples\.toml|steps/shop|models/shop)"
)
# a copy's names: the example's, moved under tests/suites/shop
_MOVES = (
    (re.compile(r"(?<![\w.])steps\.shop(?![\w])"), "tests.suites.shop.steps"),
    (re.compile(r"(?<![\w.])models\.shop"), "tests.suites.shop.models.shop"),
    (re.compile(r"(?<![\w/])models/shop"), "tests/suites/shop/models/shop"),
)
# tests that name the examples to check they are gone, and this one
ALLOWED = ("tests/test_adoption.py", "tests/test_examples_apart.py")


def as_copied(text: str) -> str:
    """An example file's text as its copy in ``tests/suites`` reads."""
    for pattern, moved in _MOVES:
        text = pattern.sub(moved, text)
    return text


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring constants (prose, which may mention the examples)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _imports(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        yield node.module
        yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _rooted(node: ast.AST) -> str:
    """A path built from ``ROOT`` as text (``{ROOT}/features/shop``), else ``""``."""
    parts: list[str] = []
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                parts.append("{" + value.value.id + "}")
            elif isinstance(value, ast.Constant):
                parts.append(str(value.value))
        return "".join(parts)
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        if isinstance(node.right, ast.Constant):
            parts.insert(0, str(node.right.value))
        node = node.left
    return "/".join(["{ROOT}", *parts]) if isinstance(node, ast.Name) and node.id == "ROOT" else ""


def _naming(node: ast.AST, prose: set[int]) -> re.Match[str] | None:
    """What in ``node`` names an example: a module, the steps' or models' path, a rooted path."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
        return _MODULE.search(node.value) or _PATH.search(node.value)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return _ROOTED.search(_rooted(node))
    return None


def uses_of_examples(path: Path) -> list[str]:
    """``file:line: what`` for each import of an example module, or string naming one."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    prose = _docstrings(tree)
    name = path.relative_to(ROOT).as_posix()
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for module in _imports(node):
            if _MODULE.match(module):
                found.append(f"{name}:{line}: imports {module}")
        hit = _naming(node, prose)
        if hit and name not in ALLOWED:
            found.append(f"{name}:{line}: names the example {hit.group()!r}")
    return sorted(set(found))


def test_the_framework_tests_and_benches_use_nothing_of_the_example_suites() -> None:
    sources = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))
    found = [use for path in sources for use in uses_of_examples(path)]
    assert not found, "the example suites are deleted by make remove-examples:\n" + "\n".join(found)


def test_the_guard_names_the_file_and_the_import(tmp_path: Path) -> None:
    probe = ROOT / "tests" / "suites" / "probe_of_the_guard.py"
    code = 'from models.shop import Product\nSUITE = ROOT / "features" / "shop"\nX = "steps.shop"\n'
    try:
        probe.write_text(code, encoding="utf-8")
        found = uses_of_examples(probe)
    finally:
        probe.unlink()
    assert found == [
        "tests/suites/probe_of_the_guard.py:1: imports models.shop",
        "tests/suites/probe_of_the_guard.py:1: imports models.shop.Product",
        "tests/suites/probe_of_the_guard.py:2: names the example '{ROOT}/features/shop'",
        "tests/suites/probe_of_the_guard.py:3: names the example 'steps.shop'",
    ]


def _pairs(example: str, copy: str) -> Iterator[tuple[Path, Path]]:
    source = ROOT / example
    if source.is_file():
        yield source, ROOT / copy
        return
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path, ROOT / copy / path.relative_to(source)


def copy_examples() -> None:
    """Copy each example file again into ``tests/suites`` (after an example changed)."""
    for name, moved in COPIES.items():
        for example, copy in _pairs(name, moved):
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(as_copied(example.read_text()))


REFRESH = (
    "copy the examples again: python -c 'import tests.test_examples_apart as t; t.copy_examples()'"
)
# the copy's own files, no example's: the packages' docstrings and the project writer
OWN = {"tests/suites/__init__.py", "tests/suites/shop/__init__.py"}
OWN |= {"tests/suites/shop/models/__init__.py"}


def test_the_framework_tests_copy_of_each_example_file_has_not_drifted() -> None:
    present = [name for name in EXAMPLES if (ROOT / name).exists()]
    if not present:  # the examples are removed: the copy is all there is, nothing can drift
        return
    assert present == list(EXAMPLES), f"examples partly removed: only {present} are left"
    pairs = [pair for name, moved in COPIES.items() for pair in _pairs(name, moved)]
    drifted = [
        f"{copy.relative_to(ROOT)} differs from {example.relative_to(ROOT)}"
        for example, copy in pairs
        if not copy.is_file() or copy.read_text() != as_copied(example.read_text())
    ]
    copied = {copy.relative_to(ROOT).as_posix() for _, copy in pairs} | OWN
    extra = [
        f"{path.relative_to(ROOT)} is no example's copy"
        for path in sorted((ROOT / "tests" / "suites").rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(ROOT).as_posix() not in copied
    ]
    assert not drifted + extra, "\n".join([*drifted, *extra, REFRESH])
