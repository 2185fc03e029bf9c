"""Feature files are test modules: no binder module, no marker list to keep by hand.

Every ``.feature`` file under the running profile's feature folders is collected as a module
whose tests are its scenarios (pytest-bdd's ``scenarios()``, called in a module built for the
file), once, by its real path: a linked folder or file whose target is in a feature folder (a
symlink loop is) is not entered. Files of other profiles are left alone, so each suite runs
only against its own API.
The tags the profile's features use are registered as markers, and ``-m`` naming a tag that
no feature uses (nor any registered marker) is an error: a typo still fails.
"""

from __future__ import annotations

import os
import re
import types
from pathlib import Path

import pytest
from pytest_bdd.exceptions import NoScenariosFound

from client.profiles import Profile
from steps._pytest import BuiltModule
from steps.fixtures import profile_of

# the feature files found, by the feature folders they were looked for in: start-up (tags as
# markers), the pre-flight and the feature lint each ask, and each walk resolves every path
_FILES = pytest.StashKey[dict[tuple[str, ...], list[Path]]]()


def feature_files(config: pytest.Config, profile: Profile) -> list[Path]:
    """The profile's feature files, sorted, each once: by its real path (``rglob`` does not
    enter linked folders; a linked file is its target, when that is in a feature folder).
    Looked for once per run (the run's files are those there at its start)."""
    known = config.stash.setdefault(_FILES, {})
    key = tuple(str(folder) for folder in profile.features)
    if key not in known:
        known[key] = _feature_files(config, profile)
    return list(known[key])


def _feature_files(config: pytest.Config, profile: Profile) -> list[Path]:
    found: set[Path] = set()
    for folder in profile.features:
        base = (config.rootpath / folder).resolve()
        if base.is_file():
            found.add(base)
        elif base.is_dir():
            found.update(path.resolve() for path in base.rglob("*.feature"))
    return sorted(path for path in found if belongs(config, profile, path))


def _folders(config: pytest.Config, profile: Profile) -> list[Path]:
    return [(config.rootpath / folder).resolve() for folder in profile.features]


def symlink_loops(config: pytest.Config, profile: Profile) -> list[str]:
    """``link: ...`` for each linked folder inside a feature folder that points to a folder
    holding it: followed, it would repeat every feature file under it forty times over."""
    loops: list[str] = []
    for base in _folders(config, profile):
        if not base.is_dir():
            continue
        for parent, folders, _ in os.walk(base):  # does not follow links: no loop to fall in
            for name in sorted(folders):
                link = Path(parent) / name
                if link.is_symlink() and Path(parent).resolve().is_relative_to(
                    target := link.resolve()
                ):
                    where = os.path.relpath(link, config.rootpath)
                    points = os.path.relpath(target, config.rootpath)
                    loops.append(
                        f"{where}: a symlink loop (it points to {points}, which holds it):"
                        " its feature files are collected once, by their real path"
                    )
    return sorted(loops)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A linked folder or file inside a feature folder, whose target is in a feature folder
    too (a loop is), is not entered: its feature files are collected by their real path."""
    if not collection_path.is_symlink():
        return None  # the usual case: one lstat
    folders = _folders(config, profile_of(config))
    parent = collection_path.parent.resolve()
    if not any(parent.is_relative_to(folder) for folder in folders):
        return None
    target = collection_path.resolve()
    if parent.is_relative_to(target) or any(target.is_relative_to(f) for f in folders):
        return True
    return None


def belongs(config: pytest.Config, profile: Profile, path: Path) -> bool:
    resolved = path.resolve()
    return any(
        resolved.is_relative_to((config.rootpath / folder).resolve()) for folder in profile.features
    )


class FeatureModule(BuiltModule):
    """A ``.feature`` file collected as a module of its scenarios."""

    def build(self) -> types.ModuleType:
        module = types.ModuleType(f"api_bdd_features.{self.path.stem}")
        module.__file__ = str(self.path)
        module.__dict__["_feature_path"] = str(self.path)
        code = compile(
            "from pytest_bdd import scenarios\nscenarios(_feature_path, features_base_dir='/')\n",
            str(self.path),
            "exec",
        )
        try:
            exec(code, module.__dict__)  # noqa: S102  # our own two lines, binding the scenarios
        except NoScenariosFound:
            pass  # a feature without scenarios yet: nothing to run, as in Cucumber
        except KeyError as err:  # pytest-bdd on a file with no Feature at all (empty, comments)
            if err.args != ("feature",):
                raise
        return module


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".feature":
        return None
    config = parent.config
    if not belongs(config, profile_of(config), file_path):
        return None
    return FeatureModule.from_parent(parent, path=file_path)


# -- tags as markers ---------------------------------------------------------------------------
_KEYWORDS = {"and", "or", "not", "True", "False"}


def _registered(config: pytest.Config) -> set[str]:
    names = set()
    for line in config.getini("markers"):
        names.add(re.split(r"[:(]", line, maxsplit=1)[0].strip())
    return names


def tags_of(text: str) -> set[str]:
    """The tags of a feature file: the ``@words`` of its tag lines (a line scan: the files are
    parsed once, by pytest-bdd, at collection)."""
    tags: set[str] = set()
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("@"):
            tags.update(t[1:] for t in stripped.split(" #")[0].split() if t.startswith("@"))
    return tags


def register_tags(config: pytest.Config, files: list[Path]) -> None:
    """Register every tag of ``files`` as a marker (pytest-bdd applies tags as markers)."""
    tags: set[str] = set()
    for path in files:
        try:
            tags.update(tags_of(path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue  # the pre-flight says which byte, at collection
    known = _registered(config)
    for tag in sorted(tags - known):
        config.addinivalue_line("markers", f"{tag}: a tag used in the features")


def check_marker_expression(config: pytest.Config) -> None:
    """``-m smoke and not slwo``: a name no feature tag or marker has is a usage error."""
    expression = config.option.markexpr
    if not expression:
        return
    names = set(re.findall(r"[^\s()]+", expression)) - _KEYWORDS
    unknown = sorted(names - _registered(config))
    if unknown:
        raise pytest.UsageError(
            f"api-bdd: -m {expression!r}: no feature uses the tag {', '.join(unknown)}"
            " (and no marker of that name is registered)"
        )


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    register_tags(config, feature_files(config, profile_of(config)))
    check_marker_expression(config)


def pytest_api_bdd_feature_files(config: pytest.Config) -> list[Path]:
    return feature_files(config, profile_of(config))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    from steps import _bdd  # (pytest-bdd's scenario, behind its fence: loaded where tests run)

    for item in session.items:  # a plugin asking later renders the scenario again
        _bdd.forget(item)
