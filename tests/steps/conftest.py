"""Helpers to run api-bdd itself in a subprocess, as a user would, and read what it printed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run_repo(pytester: pytest.Pytester, *args: str | Path) -> pytest.RunResult:
    """pytest over this repository's configuration, run from a scratch directory."""
    return pytester.runpytest_subprocess(
        "-c", ROOT / "pyproject.toml", "--rootdir", ROOT, "-p", "no:cacheprovider", *args
    )


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A scratch project wired like this one (same plugins and steps), with its own features."""
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        bdd_features_base_dir = "features/"
        addopts = ["--strict-markers", "-p", "no:cacheprovider"]
        markers = ["smoke: smoke"]
        """
    )
    (pytester.path / "features").mkdir()
    pytester.makepyfile(test_shop='from pytest_bdd import scenarios\n\nscenarios(".")\n')
    return pytester


def feature(project: pytest.Pytester, text: str, name: str = "shop.feature") -> Path:
    path = project.path / "features" / name
    path.write_text(text)
    return path
