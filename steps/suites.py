"""Which API suites' step packages a project brings: each profile's ``steps`` package, by default
``steps/<api>/`` for a profile ``<api>``.

A team's domain steps live in ``steps/<api>/`` (a package named as its profile), and the
composition root loads the ones whose profile exists, so adding or removing a suite never edits
``conftest.py``. A profile may name another package (``steps = "pkg.steps"``): the framework's
own tests load their copy of the shop's steps that way, so they need no ``steps/shop/``. A
suite's package lists its modules in its own ``pytest_plugins``.
"""

from __future__ import annotations

from pathlib import Path

from client.profiles import Profile, ProfileError, load_profiles

STEPS = Path(__file__).resolve().parent


def steps_package(profile: Profile) -> str:
    """The package of a profile's domain steps: the one it names, else ``steps.<name>``."""
    return profile.steps or f"steps.{profile.name}"


def suite_plugins(root: Path, steps: Path = STEPS) -> list[str]:
    """Each profile's ``steps`` package under ``root`` (``steps.<api>`` when the profile names
    none and ``steps/<api>/`` is a package; ``steps`` is the folder of the ``steps`` package), in
    the order the profile files list them, each once. A broken profile file brings none: the
    options plugin reports it in one line when pytest configures."""
    try:
        profiles = load_profiles(root)
    except ProfileError:
        return []
    plugins: list[str] = []
    for name, profile in profiles.profiles.items():
        named = profile.steps is not None
        if named or (name.isidentifier() and (steps / name / "__init__.py").is_file()):
            plugin = steps_package(profile)
            if plugin not in plugins:
                plugins.append(plugin)
    return plugins
