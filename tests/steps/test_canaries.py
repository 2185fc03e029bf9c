"""The canary suite: fresh random secrets through every channel, in every run mode; none leaks.

Each test plants new canaries in the environment (password, token, API key, a multi-line
private key), runs a feature whose steps push them through assertions, prints, logs (urllib3
at DEBUG included), a warning, exceptions with URLs, validation errors, retries and a Basic
credential, against a standalone demo API that injects faults, then scans everything the run
printed or wrote (JUnit XML, cucumber JSON, the living documentation's HTML, Markdown and
NDJSON, log file, pytest cache) for each canary in every encoding.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.conftest import bdd_project
from tests.standalone import Standalone, start_standalone

CANARY_DIR = Path(__file__).parent / "canary"

MODES: dict[str, tuple[list[str], dict[str, str]]] = {
    "default": ([], {}),
    "ci": ([], {"CI": "true"}),
    "showlocals": (["-l"], {}),
    "very-verbose": (["-vv"], {}),
    "report-all": (["-rA"], {}),
    "live-logs": (["-o", "log_cli=true", "--log-cli-level=DEBUG"], {}),
    "log-file": (["--log-file", "run.log", "--log-file-level=DEBUG"], {}),
    "xdist": (["-n", "2"], {}),
}


def canaries() -> dict[str, str]:
    hexes = [secrets.token_hex(12) for _ in range(6)]
    return {
        "API_USERNAME": f"canary-{hexes[0][:8]}",
        "API_PASSWORD": f'Pw!{hexes[1]}/+&"<>{hexes[2]}',
        "API_TOKEN": secrets.token_urlsafe(32),
        "API_KEY": f"key-{hexes[3]}",
        "CANARY_PEM_1": f"MII{hexes[4]}{hexes[4].upper()}",
        "CANARY_PEM_2": f"AbC{hexes[5]}{hexes[5].upper()}",
    }


def forms(value: str) -> set[str]:
    """What a leak of ``value`` can look like, computed independently of the redactor."""
    found = {
        value,
        quote(value, safe=""),
        quote_plus(value),
        json.dumps(value)[1:-1],
        html.escape(value),
        repr(value)[1:-1],
        value[:12],
        value[-12:],
    }
    for offset in (0, 1, 2):
        raw = b"u" * offset + value.encode() + b"zzz"
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            found.add(encode(raw).decode()[4:-8])
    return {f for f in found if len(f) >= 8}


@pytest.fixture
def planted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[dict[str, str], Standalone]]:
    values = canaries()
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    env = {**os.environ}
    faults = ["--fault-rate", "0.2", "--fault-seed", "3", "--retry-after", "0"]
    faults += ["--fault-mix", "503-retry-after-seconds=1,reset-before-response=1,502=1"]
    with start_standalone(tmp_path, env, *faults) as api:
        yield values, api


def canary_project(pytester: pytest.Pytester) -> None:
    bdd_project(pytester, CANARY_DIR / "canary_steps.py", [CANARY_DIR / "canary.feature"])


def run_canaries(
    pytester: pytest.Pytester, api: Standalone, args: list[str], env: dict[str, str]
) -> str:
    canary_project(pytester)
    for name, value in env.items():
        os.environ[name] = value
    try:
        result = pytester.runpytest_subprocess(
            "--base-url",
            api.url,
            "--log-level=DEBUG",
            "--junitxml",
            "junit.xml",
            "--cucumberjson",
            "cucumber.json",
            "--api-timeout",
            "2",
            "--living-docs-markdown",
            "summary.md",
            "--cucumber-messages",
            "run.ndjson",
            *args,
        )
    finally:
        for name in env:
            del os.environ[name]
    written = [
        path.read_text(errors="replace")
        for path in pytester.path.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".feature", ".toml")
    ]
    for name in (
        "junit.xml",
        "cucumber.json",
        "reports/living-docs.html",
        "summary.md",
        "run.ndjson",
    ):
        assert (pytester.path / name).exists(), name
    return "\n".join([result.stdout.str(), result.stderr.str(), *written])


def leaks(everything: str, values: dict[str, str]) -> list[str]:
    return sorted(
        f"{name} as {form!r}"
        for name, value in values.items()
        if name != "API_USERNAME"
        for form in forms(value)
        if form in everything
    )


@pytest.mark.parametrize("mode", list(MODES))
def test_no_canary_leaks(
    pytester: pytest.Pytester, planted: tuple[dict[str, str], Standalone], mode: str
) -> None:
    values, api = planted
    args, env = MODES[mode]
    everything = run_canaries(pytester, api, args, env)
    assert leaks(everything, values) == []
    # ...while ordinary text stays readable
    assert "7 failed" in everything  # every canary scenario fails on purpose
    plain = ("features/canary.feature:", "AssertionError", "/users/me", "Accept", "the key ***")
    for readable in plain:
        assert readable in everything, readable
    if mode == "log-file":
        log = (pytester.path / "run.log").read_text()
        assert "debug: password ***" in log
        assert "urllib3.connectionpool" in log


def test_the_canaries_are_seen_when_redaction_is_off(
    pytester: pytest.Pytester, planted: tuple[dict[str, str], Standalone]
) -> None:
    """The suite above can fail: with the redactor disabled, the same run leaks every canary."""
    values, api = planted
    pytester.makepyfile(
        noredact="""
        def pytest_sessionstart(session):
            session.config.pluginmanager.get_plugin("api-bdd-reporting").redactor.enabled = False
        """
    )
    everything = run_canaries(pytester, api, ["-p", "noredact", "--log-file", "run.log"], {})
    leaked = {entry.split(" as ")[0] for entry in leaks(everything, values)}
    assert leaked == {"API_PASSWORD", "API_TOKEN", "API_KEY", "CANARY_PEM_1", "CANARY_PEM_2"}
