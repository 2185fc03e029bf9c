"""The framework's own copy of the example suites, its test fixture: the shop's and httpbin's
features, and the shop's steps (``tests.suites.shop.steps``) and models
(``tests.suites.shop.models``), with their profiles (:data:`PROFILES`).

The framework's tests and benches run these, never the examples in ``features/``,
``steps/shop/`` and ``models/shop*`` (``make remove-examples`` deletes those). Each file is the
example's, its module and path names moved here; ``tests/test_examples_apart.py`` keeps them so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SUITES = Path(__file__).resolve().parent
ROOT = SUITES.parents[1]
# the features only: the steps and models are imported from tests.suites.shop, not copied
_FEATURES_ONLY = shutil.ignore_patterns("*.py", "*.json", "__pycache__")
PROFILES = f"""
[tool.api-bdd]
default = "shop"
[tool.api-bdd.profiles.shop]
base_url = "embedded:shop"
features = ["features/shop"]
models = "tests.suites.shop.models.shop"
steps = "tests.suites.shop.steps"
openapi = "{SUITES}/shop/models/shop.openapi.json"
openapi_live = "/openapi.json"
auth = {{ scheme = "oauth2-password", token_url = "/auth/token", fresh_per_scenario = true }}
idempotency_key = "Idempotency-Key"
[tool.api-bdd.profiles.httpbin]
base_url = "embedded:httpbin"
features = ["features/httpbin"]
auth = {{ scheme = "basic", username_env = "HTTPBIN_USER", password_env = "HTTPBIN_PASSWORD" }}
variables = {{ user = "demo-user" }}
"""
# this repository's pytest settings, its root importable from a project elsewhere
_SETTINGS = f"""
[tool.pytest.ini_options]
pythonpath = ["{ROOT}"]
bdd_features_base_dir = "features/"
addopts = ["--strict-markers", "--strict-config", "-p", "no:legacypath"]
xfail_strict = true
"""


def write_project(root: Path) -> None:
    """A project in ``root`` wired like this repository (its composition root and settings) whose
    suites are these: ``features/shop`` and ``features/httpbin``, with their profiles."""
    shutil.copy(ROOT / "conftest.py", root / "conftest.py")
    shutil.copytree(SUITES, root / "features", ignore=_FEATURES_ONLY)
    (root / "pyproject.toml").write_text(_SETTINGS + PROFILES, encoding="utf-8")
