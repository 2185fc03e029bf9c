"""Which API suites' step packages a project brings: ``steps/<api>/`` for each profile ``<api>``.

A team's domain steps live in ``steps/<api>/`` (a package named as its profile), and the
composition root loads the ones whose profile exists, so adding or removing a suite never edits
``conftest.py``. A suite's package lists its modules in its own ``pytest_plugins``.
"""

from __future__ import annotations

from pathlib import Path

from client.profiles import ProfileError, load_profiles


def suite_plugins(root: Path) -> list[str]:
    """``steps.<api>`` for each profile under ``root`` with a ``steps/<api>/`` package, in the
    order the profile files list them. A broken profile file brings none: the options plugin
    reports it in one line when pytest configures."""
    try:
        profiles = load_profiles(root)
    except ProfileError:
        return []
    steps = Path(__file__).resolve().parent
    return [
        f"steps.{name}"
        for name in profiles.profiles
        if name.isidentifier() and (steps / name / "__init__.py").is_file()
    ]
