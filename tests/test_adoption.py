"""Adopting api-bdd: a team's repository made from this one, as the README's "Start your own API
repository" says, in a scratch copy of this working tree.

``make remove-examples``, ``make new-api`` against a billing API on loopback, ``make run`` and
``make test``; then a newer api-bdd is merged and touches only framework-owned files. The copy
shares this checkout's virtual environment (``make -o STAMP`` keeps make from rebuilding it) and
its mypy cache; ``make test`` runs in full (lint, type-check, every profile's features) but for
its unit step, which runs ``UNIT``. That the rest of the framework's tests stand without the
examples is shown cheaply: every test module of the copy is collected (imported) after the
removal, and ``tests/test_examples_apart.py`` (in ``UNIT``) finds no use of an example in them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT
from tests.steps.test_scaffold import billing_api
from tests.stub_server import stub_server
from tests.test_examples_apart import EXAMPLES

# the team's files, README "Start your own API repository"; everything else is the framework's
TEAM_OWNED = ("api-bdd.toml", "features/billing/", "steps/billing/", "models/billing")
UNIT = " ".join(  # what reads profiles or suites; the benches run the shop suite of tests/suites
    [
        "tests/client/test_profiles.py",
        "tests/client/test_idempotency_declared.py",
        "tests/steps/test_scaffold.py",
        "tests/reporting/test_spec.py",
        "tests/test_examples_apart.py",
        "tests/models/test_generated.py",
        "tests/test_bench_suite.py",
    ]
)


def run(cwd: Path, *args: str) -> str:
    # the scratch copy's runs are pytest's own, not parts of this (perhaps xdist) run
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "API_"))}
    done = subprocess.run(  # the timeout only stops a hung run from hanging the suite
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=1800
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def make(cwd: Path, *args: str) -> str:
    lock = hashlib.sha256((cwd / "requirements.lock").read_bytes()).hexdigest()[:12]
    return run(cwd, "make", "-o", f".venv/.installed-{lock}", *args)


def copy_of_this_tree(into: Path) -> None:
    """The working tree's files (committed or not, .gitignore'd ones left out), as one commit."""
    listed = run(ROOT, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    (into / ".venv").symlink_to(ROOT / ".venv")  # a link: .gitignore's ".venv/" misses it
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", into / ".mypy_cache")
    run(into, "git", "init", "-q", "-b", "main")
    (into / ".git" / "info" / "exclude").write_text(".venv\n")
    run(into, "git", "add", "-A")
    commit(into, "api-bdd")
    run(into, "git", "branch", "upstream")


def commit(repo: Path, message: str, *args: str) -> None:
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@127.0.0.1")
    run(repo, *git, "commit", "-q", *args, "-m", message)


def team_owned(path: str) -> bool:
    return path.startswith(TEAM_OWNED)


def test_a_team_adopts_api_bdd_for_its_api_and_upgrades_it_by_merging(tmp_path: Path) -> None:
    repo = tmp_path / "billing-tests"
    repo.mkdir()
    copy_of_this_tree(repo)
    assert run(repo, ".venv/bin/python", "-m", "client.profiles").split("\n")[:2] == [
        "--api shop",  # make features runs the examples in this repository
        "--api httpbin --living-docs reports/httpbin/living-docs.html",
    ]
    make(repo, "remove-examples")
    assert [name for name in EXAMPLES if (repo / name).exists()] == []
    collected = run(repo, ".venv/bin/python", "-m", "pytest", "tests", "--collect-only", "-q")
    assert " tests collected" in collected, collected  # every module imports without them
    with stub_server() as billing:
        billing_api(billing)
        url = billing.url
        make(repo, "new-api", "NAME=billing", f"BASE_URL={url}", f"OPENAPI={url}/openapi.json")
        run(repo, "git", "add", "-A")
        commit(repo, "our billing API")
        team = run(repo, "git", "show", "--name-only", "--format=", "HEAD").split()
        assert "api-bdd.toml" in team
        assert all(team_owned(p) or p.startswith(EXAMPLES) for p in team), team
        ran = make(repo, "run")
        assert "profile billing" in ran, ran
        assert "2 passed, 2 xfailed" in ran, ran
        tested = make(repo, "test", f"UNIT={UNIT}")
        for stage in ("ruff check", "Success: no issues found", f"pytest {UNIT}", "--api billing"):
            assert stage in tested, tested  # lint, typecheck, unit, features: each ran
        assert "--api shop" not in tested, tested  # the examples are gone, and so their runs
        assert "--api httpbin" not in tested, tested
        assert (repo / "reports" / "living-docs.html").is_file()
    upgrade(repo)


def upgrade(repo: Path) -> None:
    """A newer api-bdd (framework files changed) merges without a conflict or a team file."""
    run(repo, "git", "checkout", "-q", "upstream")
    for name in ("client/__init__.py", "Makefile", "pyproject.toml"):
        with (repo / name).open("a") as fh:
            fh.write("# a newer api-bdd\n")
    commit(repo, "api-bdd, newer", "-a")
    changed = run(repo, "git", "show", "--name-only", "--format=", "HEAD").split()
    run(repo, "git", "checkout", "-q", "main")
    run(repo, "git", "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", "merge", "-q",
        "--no-edit", "upstream")  # fmt: skip
    merged = run(repo, "git", "diff", "--name-only", "HEAD^1", "HEAD").split()
    assert merged == changed, merged
    assert not any(team_owned(p) for p in merged), merged


def test_the_models_package_re_exports_no_apis_models() -> None:
    """Deleting ``models/shop*`` needs no edit of ``models/__init__.py``."""
    code = "import sys, models; print(sorted(m for m in sys.modules if m.startswith('models.')))"
    loaded = run(ROOT, str(ROOT / ".venv" / "bin" / "python"), "-c", code)
    assert loaded.strip() == "['models._base']"


def test_the_composition_root_names_no_api_suite() -> None:
    """A suite's steps (``steps/<api>/``) are found from its profile, not listed in conftest."""
    composition = (ROOT / "conftest.py").read_text()
    assert "steps.shop" not in composition
    assert '"steps.suites"' in composition  # it loads the running profile's suite
