"""What a plain run loads: tooling a run does not use is not imported (issue 19, start-up).

A profile that names no OpenAPI document and no JSON Schema file never validates against one,
so openapi-core, jsonschema and referencing (a tenth of a second of every start-up together)
stay unimported to the end of the session. A process that sends no request (``--collect-only``,
the controller of ``pytest -n``) imports no HTTP client (requests, urllib3, tenacity) nor
jmespath, and the controller, which runs no step, no step library either. Checked in real
pytest processes on the speed bench's project, with a probe that lists ``sys.modules`` at the
end of the session (the controller's, under ``-n``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.jsonserver import JsonServer
from bench.speed_suite import api_bdd_env, write_api_bdd_project
from tests.suites import ROOT, write_project

TOOLING = ("openapi_core", "jsonschema", "referencing", "jsonschema_path", "models.openapi")
# What sends requests and reads JSON paths: a process that runs no step has no use for them
HTTP_CLIENT = ("requests", "urllib3", "tenacity", "jmespath", "client._api", "client.auth")
# What indexes, checks and runs steps, and the author API and models the steps use
STEP_LIBRARY = (
    "steps.registry",
    "steps.dispatch",
    "steps.vocabulary",
    "steps.preflight",
    "steps.catalog",
    "steps.context",
    "steps.expect",
    "steps._bdd",
    "models",
)

PROBE = '''\
"""Lists the modules loaded when the session ends."""

import json
import os
import sys


def pytest_sessionfinish(session):
    with open(os.environ["MODULES_PROBE"], "w") as out:
        json.dump(sorted(sys.modules), out)
'''

CONTROLLER_PROBE = '''\
"""Lists the modules the xdist controller has loaded when its session ends."""

import json
import os
import sys


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        with open(os.environ["MODULES_PROBE"], "w") as out:
            json.dump(sorted(sys.modules), out)
'''


@pytest.fixture(scope="module")
def server() -> Iterator[JsonServer]:
    with JsonServer() as started:
        yield started


def modules_at_the_end(
    project: Path, env: dict[str, str], *args: str, probe: str = PROBE
) -> set[str]:
    """The modules a pytest run of ``project`` (with ``args``) has loaded when its session ends
    (with ``probe=CONTROLLER_PROBE``, those of the xdist controller)."""
    listed = project / "modules.json"
    (project / "modules_probe.py").write_text(probe, encoding="utf-8")
    done = subprocess.run(  # the timeout only stops a hung run from hanging the suite
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "modules_probe",
            *args,
        ],
        cwd=project,
        env={**env, "MODULES_PROBE": str(listed), "PYTHONPATH": f"{env['PYTHONPATH']}:{project}"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return set(json.loads(listed.read_text(encoding="utf-8")))


def test_a_run_whose_profile_names_no_schema_does_not_import_the_openapi_tooling(
    server: JsonServer, tmp_path: Path
) -> None:
    write_api_bdd_project(tmp_path, 5, server.url, extra=False)
    loaded = modules_at_the_end(tmp_path, api_bdd_env(dict(os.environ)))
    assert "steps.context" in loaded  # the run did load api-bdd (and ran its scenarios)
    assert sorted(m for m in loaded if m.split(".")[0] in TOOLING or m in TOOLING) == []


def http_client_modules(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if m.split(".")[0] in HTTP_CLIENT or m in HTTP_CLIENT)


def test_an_xdist_controller_imports_no_http_client_nor_json_path_library(
    server: JsonServer, tmp_path: Path
) -> None:
    """The controller runs no step: requests, urllib3, tenacity, jmespath and the client that
    sends load in the workers, where the first scenario's fixtures build the client."""
    write_api_bdd_project(tmp_path, 4, server.url, extra=False)
    args = ("-p", "no:randomly", "-n", "2")
    controller = modules_at_the_end(
        tmp_path, api_bdd_env(dict(os.environ)), *args, probe=CONTROLLER_PROBE
    )
    assert "steps.fixtures" in controller  # the controller did load api-bdd
    assert "reporting.plugin" in controller  # and its reporting, which writes the living docs
    assert http_client_modules(controller) == []
    assert (tmp_path / "reports" / "living-docs.html").is_file()  # the run reported as before


def test_an_xdist_controller_imports_no_step_library(server: JsonServer, tmp_path: Path) -> None:
    """The step index, the vocabulary, the pre-flight, the catalog and the scenario context are
    registered where tests run; the controller's living docs still list the step catalog, which
    the workers hand over."""
    write_api_bdd_project(tmp_path, 4, server.url, extra=False)
    args = ("-p", "no:randomly", "-n", "2")
    controller = modules_at_the_end(
        tmp_path, api_bdd_env(dict(os.environ)), *args, probe=CONTROLLER_PROBE
    )
    assert "steps.fixtures" in controller  # the controller did load api-bdd
    loaded = sorted(m for m in controller if m in STEP_LIBRARY or m.startswith("models."))
    assert loaded == []
    page = (tmp_path / "reports" / "living-docs.html").read_text(encoding="utf-8")
    # the catalog lists the vocabulary's steps with their uses: 4 scenarios, one status each
    assert '"pattern":"the response status is {status:d}"' in page
    assert re.search(r'"pattern":"the response status is \{status:d\}",[^}]*"uses":4\b', page)


def _collection_only_modules(server: JsonServer, tmp_path: Path) -> set[str]:
    """The modules a ``--collect-only`` run of a small api-bdd project has loaded at its end."""
    write_api_bdd_project(tmp_path, 5, server.url, extra=False)
    loaded = modules_at_the_end(tmp_path, api_bdd_env(dict(os.environ)), "--collect-only")
    assert "steps.context" in loaded  # the run did load api-bdd
    return loaded


def test_a_collection_only_run_imports_no_http_client_nor_json_path_library(
    server: JsonServer, tmp_path: Path
) -> None:
    assert http_client_modules(_collection_only_modules(server, tmp_path)) == []


def test_a_collection_only_run_does_not_import_the_page_templates(
    server: JsonServer, tmp_path: Path
) -> None:
    """Jinja2 (the living docs and the history view) loads when a run writes them, not at start."""
    loaded = _collection_only_modules(server, tmp_path)
    assert sorted(m for m in loaded if m.split(".")[0] == "jinja2") == []


def test_a_profiles_run_does_not_import_another_profiles_step_package(tmp_path: Path) -> None:
    """Running httpbin does not import the shop's steps (nor, through them, its models); running
    the shop does, registered as its plugin would be from ``conftest.py``."""
    write_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    httpbin = modules_at_the_end(tmp_path, env, "--collect-only", "--api", "httpbin")
    assert "steps.context" in httpbin  # the run did load api-bdd
    assert sorted(m for m in httpbin if m.startswith("tests.suites.shop")) == []
    shop = modules_at_the_end(tmp_path, env, "--collect-only", "--api", "shop")
    assert {"tests.suites.shop.steps.orders", "tests.suites.shop.models.shop"} <= shop


def test_a_profiles_missing_steps_package_is_one_line_naming_the_profile(tmp_path: Path) -> None:
    """Loaded when pytest configures, a steps package that is nowhere to be found is a usage
    error naming the profile and where it is set, not a conftest import traceback."""
    write_project(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"tests.suites.shop.steps"', '"nosuch.steps"'), "utf-8")
    done = subprocess.run(  # the timeout only stops a hung run from hanging the suite
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert done.stderr.strip() == (
        "ERROR: api-bdd: profile shop: its steps package 'nosuch.steps' cannot be imported"
        " (No module named 'nosuch'): see steps = in [tool.api-bdd.profiles.shop] in"
        " pyproject.toml"
    )
