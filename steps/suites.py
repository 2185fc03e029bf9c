"""Which API suite's step package a run brings: the running profile's ``steps`` package, by
default ``steps/<api>/`` for a profile ``<api>``.

A team's domain steps live in ``steps/<api>/`` (a package named as its profile). This plugin
imports the package of the profile the run tests when pytest configures (the profile is known
then: ``--api``, the feature paths given, or the default), so adding or removing a suite never
edits ``conftest.py``, and a run of one API does not import another's steps and models (issue
19: every xdist worker paid for them). Imported at configure, the package's steps, fixtures and
hooks count as a plugin's listed in ``conftest.py`` would (pytest tells the fixture manager and
the step index of a plugin registered later); only a command-line option it added would come
too late to be parsed. A profile may name another package (``steps = "pkg.steps"``): the
framework's own tests load their copy of the shop's steps that way, so they need no
``steps/shop/``. A suite's package lists its modules in its own ``pytest_plugins``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from client.profiles import Profile
from steps.fixtures import profile_of

STEPS = Path(__file__).resolve().parent

# the plugins that find, check and run a scenario's steps, registered where tests run
RUNNING = ("steps.dispatch", "steps.vocabulary", "steps.preflight", "steps.catalog")


def runs_tests(config: pytest.Config) -> bool:
    """False only in the controller of ``pytest -n`` (pytest-xdist's ``dist`` and ``tx``
    options, as xdist decides when it starts its session): its workers collect and run."""
    if hasattr(config, "workerinput") or config.getoption("collectonly"):
        return True
    if config.getoption("showfixtures") or config.getoption("show_fixtures_per_test"):
        return True  # pytest collects these in this process, whatever -n says
    return config.getoption("dist", "no") == "no" or not config.getoption("tx", None)


def steps_package(profile: Profile) -> str:
    """The package of a profile's domain steps: the one it names, else ``steps.<name>``."""
    return profile.steps or f"steps.{profile.name}"


def suite_plugin(profile: Profile, steps: Path = STEPS) -> str | None:
    """The step package of ``profile``: the one it names, else ``steps.<name>`` when
    ``steps/<name>/`` is a package (``steps`` is the folder of the ``steps`` package), else
    None (the profile runs on the generic vocabulary alone)."""
    if profile.steps is not None:
        return profile.steps
    name = profile.name
    if name.isidentifier() and (steps / name / "__init__.py").is_file():
        return steps_package(profile)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # first: the plugins configured after this one see the suite's steps registered
    profile = profile_of(config)  # a bad profile is one line, from profile_of
    if not runs_tests(config):
        return
    for name in RUNNING:
        config.pluginmanager.import_plugin(name)
    plugin = suite_plugin(profile)
    if plugin is None:
        return
    try:
        config.pluginmanager.import_plugin(plugin)
    except pytest.UsageError as err:
        # pytest's line for a plugin that is nowhere to be found; any other usage error (a step
        # defined twice) is already api-bdd's own line
        if not isinstance(err.__cause__, ModuleNotFoundError):
            raise
        raise pytest.UsageError(
            f"api-bdd: profile {profile.name}: its steps package {plugin!r} cannot be imported"
            f" ({err.__cause__}): see steps = in {profile.table}"
        ) from None
