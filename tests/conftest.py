"""Fixtures for the framework's own tests: a fresh demo shop per test, with a movable clock."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from demo_api import DemoServer, SeedUser, create_app
from tests.suites import PROFILES, write_project

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Shop:
    url: str
    user: SeedUser
    clock: Clock
    http: requests.Session

    def token(self) -> str:
        answer = self.http.post(
            f"{self.url}/auth/token",
            data={"username": self.user.username, "password": self.user.password},
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def product(self, price: str = "29.99", stock: int = 100, name: str = "Lamp") -> int:
        answer = self.http.post(
            f"{self.url}/products",
            json={"name": name, "price": price, "stock": stock},
            headers=self.auth(),
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    """A demo shop on a free loopback port over a fresh database, stopped after the test."""
    user = SeedUser(f"user-{secrets.token_hex(3)}", secrets.token_urlsafe(24))
    clock = Clock()
    app = create_app(tmp_path / "shop.sqlite3", [user], token_ttl=60, clock=clock)
    with DemoServer(app) as server, requests.Session() as http:
        yield Shop(server.url, user, clock, http)


# The framework's own copy of the example suites (tests/suites: features, the shop's steps and
# models, their profiles): its tests run them against the embedded APIs whether or not the
# examples are still in features/, steps/shop/ and models/shop* (make remove-examples deletes
# those).
SUITES_PROFILES = PROFILES


def run_repo(pytester: pytest.Pytester, *args: str | Path) -> pytest.RunResult:
    """pytest over the example suites (``features/shop``, ``features/httpbin``, from
    :mod:`tests.suites`) with this repository's plugins and settings, run from a scratch
    directory."""
    if not (pytester.path / "features").exists():
        write_project(pytester.path)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


SHOP_PROFILE = """
[tool.api-bdd]
default = "shop"
[tool.api-bdd.profiles.shop]
base_url = "embedded:shop"
features = ["features"]
models = "tests.suites.shop.models.shop"
steps = "tests.suites.shop.steps"
auth = { scheme = "oauth2-password", token_url = "/auth/token", fresh_per_scenario = true }
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A scratch project wired like this one (same plugins and steps), with its own features:
    the shop's profile, whose features are the project's ``features/`` folder."""
    shutil.copy(ROOT / "conftest.py", pytester.path / "conftest.py")
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        bdd_features_base_dir = "features/"
        addopts = ["--strict-markers", "-p", "no:cacheprovider"]
        {SHOP_PROFILE}
        """
    )
    (pytester.path / "features").mkdir()
    return pytester


def feature(project: pytest.Pytester, text: str, name: str = "shop.feature") -> Path:
    path = project.path / "features" / name
    path.write_text(text)
    return path


def bdd_project(
    pytester: pytest.Pytester,
    steps: Path,
    features: list[Path],
    markers: tuple[str, ...] = (),
) -> None:
    """A scratch project wired like this repository, plus one step module and some features."""
    conftest = (ROOT / "conftest.py").read_text()
    plugin = f'"reporting.plugin",\n    "{steps.stem}",'
    (pytester.path / "conftest.py").write_text(conftest.replace('"reporting.plugin",', plugin))
    shutil.copy(steps, pytester.path / steps.name)
    (pytester.path / "features").mkdir(exist_ok=True)
    for path in features:
        shutil.copy(path, pytester.path / "features" / path.name)
    listed = ", ".join(f'"{m}: registered for the scratch project"' for m in markers)
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        bdd_features_base_dir = "features/"
        markers = [{listed}]
        {SHOP_PROFILE}
        """
    )
