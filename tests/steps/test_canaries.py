"""The canary suite: fresh random secrets through every channel, in every run mode; none leaks.

Each test plants new canaries in the environment (password, token, API key, a multi-line
private key), runs a feature whose steps push them through assertions, prints, logs (urllib3
at DEBUG included), a warning, exceptions with URLs, validation errors, retries, a Basic
credential, an xfail and a skip reason, JUnit properties, a service that answers with a
camelCase token nested in its body (a canary of its own, known only to that service) and a
sign-in form redirected to another origin, against a standalone demo API that injects faults
and two stub servers on loopback. Two more runs are stopped halfway: one by Ctrl-C (with
``--full-trace``), one by ``pytest.exit``. Every run writes the ``--debug`` trace file.

Then it scans everything each run printed or wrote (JUnit XML, cucumber JSON, the living
documentation's HTML, Markdown and NDJSON, log file, ``pytestdebug.log``, pytest cache), and
every request the other origin received, for each canary in every encoding.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from reporting.records import BODY_LIMIT
from tests.conftest import bdd_project
from tests.standalone import Standalone, start_standalone
from tests.stub_server import Stub, StubHandler, stub_server

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
    "full-trace-locals": (["--full-trace", "-l"], {}),
    "capture-off": (["-s"], {}),
}
ISSUED = "ISSUED_TOKEN"  # issued by the camelCase service; never in the run's environment
SEEN = "SEEN_TOKEN"  # only ever shown under its name, in a plain-text answer; never in it either
NOT_IN_THE_ENVIRONMENT = (ISSUED, SEEN)

Outputs = dict[str, str]  # "stdout", "stderr" and each file a run wrote, by relative path


def canaries() -> dict[str, str]:
    hexes = [secrets.token_hex(12) for _ in range(8)]
    return {
        "API_USERNAME": f"canary-{hexes[0][:8]}",
        "API_PASSWORD": f'Pw!{hexes[1]}/+&"<>{hexes[2]}',
        "API_TOKEN": secrets.token_urlsafe(32),
        "API_KEY": f"key-{hexes[3]}",
        "CANARY_PEM_1": f"MII{hexes[4]}{hexes[4].upper()}",
        "CANARY_PEM_2": f"AbC{hexes[5]}{hexes[5].upper()}",
        ISSUED: f"iss-{hexes[6]}{secrets.token_urlsafe(12)}",
        SEEN: f"seen{hexes[7]}",
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


@dataclass
class Planted:
    values: dict[str, str]
    api: Standalone
    service: Stub  # answers /session in camelCase; redirects /auth/token to `elsewhere`
    elsewhere: Stub  # another origin (127.0.0.1, another port)

    def received_elsewhere(self) -> str:
        return "\n".join(
            f"{seen.method} {seen.path} {seen.headers} {seen.body.decode(errors='replace')}"
            for seen in self.elsewhere.state.seen
        )


def serve_canary_routes(service: Stub, elsewhere: Stub, values: dict[str, str]) -> None:
    issued = {"accessToken": values[ISSUED], "tokenType": "bearer", "authStatus": "active"}
    answer = json.dumps({"data": issued}).encode()
    plain = {"Content-Type": "text/plain"}
    # the password straddles the cut of a report's body, 10 characters of it before the cut
    export = "x" * (BODY_LIMIT - 10) + values["API_PASSWORD"] + "y" * 4000

    @service.route("/plain-session")
    def plain_text_session(handler: StubHandler) -> None:
        handler.reply(200, f"session_token={values[SEEN]}".encode(), plain)

    @service.route("/export")
    def export_with_the_password_at_the_cut(handler: StubHandler) -> None:
        handler.reply(200, export.encode(), plain)

    @service.route("/session")
    def camel_case_session(handler: StubHandler) -> None:
        handler.reply(200, answer)

    @service.route("/auth/token")
    def moved_to_another_origin(handler: StubHandler) -> None:
        handler.reply(307, b"{}", {"Location": f"{elsewhere.url}/collect"})

    @elsewhere.route("/collect")
    def collect(handler: StubHandler) -> None:
        handler.reply(200, b"{}")


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Planted]:
    values = canaries()
    for name, value in values.items():
        if name not in NOT_IN_THE_ENVIRONMENT:
            monkeypatch.setenv(name, value)
    faults = ["--fault-rate", "0.2", "--fault-seed", "3", "--retry-after", "0"]
    faults += ["--fault-mix", "503-retry-after-seconds=1,reset-before-response=1,502=1"]
    with (
        stub_server() as service,
        stub_server() as elsewhere,
        start_standalone(tmp_path, {**os.environ}, *faults) as api,
    ):
        serve_canary_routes(service, elsewhere, values)
        monkeypatch.setenv("CANARY_SERVICE", service.url)
        yield Planted(values, api, service, elsewhere)


def run_canaries(
    pytester: pytest.Pytester,
    api: Standalone,
    args: list[str],
    env: dict[str, str],
    features: tuple[str, ...] = ("canary.feature",),
) -> Outputs:
    """One run of the canary steps over ``features``; what it printed and every file it wrote."""
    bdd_project(pytester, CANARY_DIR / "canary_steps.py", [CANARY_DIR / f for f in features])
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
            "--debug=pytestdebug.log",
            *args,
        )
    finally:
        for name in env:
            del os.environ[name]
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    for path in pytester.path.rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".feature", ".toml"):
            outputs[str(path.relative_to(pytester.path))] = path.read_text(errors="replace")
    return outputs


def run_interrupted(
    pytester: pytest.Pytester, api: Standalone, args: list[str], env: dict[str, str]
) -> tuple[Outputs, Outputs]:
    """The two runs stopped halfway: by Ctrl-C (with ``--full-trace``) and by ``pytest.exit``."""
    features = ("canary.feature", "interrupted.feature")
    ctrl_c = ["-k", "interrupted_while", "--full-trace", *args]
    exit_ = ["-k", "stops_the_run", *args]
    return (
        run_canaries(pytester, api, ctrl_c, env, features),
        run_canaries(pytester, api, exit_, env, features),
    )


def run_refused(
    pytester: pytest.Pytester, api: Standalone, args: list[str], env: dict[str, str]
) -> list[Outputs]:
    """Two runs that stop at a setting: a base URL with the password in its userinfo (pytest's
    report header and the --debug trace see the command line), and a missing user name while
    every other secret is set (pydantic-settings' own error would print the others)."""
    with_userinfo = f"http://canary:{quote(os.environ['API_PASSWORD'], safe='')}@127.0.0.1:9"
    refused = run_canaries(pytester, api, [*args, "--base-url", with_userinfo], env)
    user = os.environ.pop("API_USERNAME")
    try:
        missing = run_canaries(pytester, api, [*args, "-k", "signing_in_sends"], env)
    finally:
        os.environ["API_USERNAME"] = user
    assert "API_USERNAME" in missing["stdout"] + missing["stderr"]
    return [refused, missing]


def leaks(everything: str, values: dict[str, str]) -> list[str]:
    return sorted(
        f"{name} as {form!r}"
        for name, value in values.items()
        if name != "API_USERNAME"
        for form in forms(value)
        if form in everything
    )


def leaked(text: str, values: dict[str, str]) -> set[str]:
    return {entry.split(" as ")[0] for entry in leaks(text, values)}


@pytest.mark.parametrize("mode", list(MODES))
def test_no_canary_leaks(pytester: pytest.Pytester, planted: Planted, mode: str) -> None:
    args, env = MODES[mode]
    features = run_canaries(pytester, planted.api, args, env)
    for name in (
        "junit.xml",
        "cucumber.json",
        "reports/living-docs.html",
        "summary.md",
        "reports/history.sqlite",  # the run history: failure lines, Examples rows, base URL
    ):
        assert name in features, name
    ctrl_c, stopped = run_interrupted(pytester, planted.api, args, env)
    runs = [features, ctrl_c, stopped, *run_refused(pytester, planted.api, args, env)]
    everything = "\n".join(text for run in runs for text in run.values())
    assert leaks(everything, planted.values) == []
    assert "x" + planted.values["API_PASSWORD"][:10] not in everything  # the export's cut
    assert leaks(planted.received_elsewhere(), planted.values) == []
    # ...while every channel was taken, and ordinary text stays readable
    served = [seen.path for seen in planted.service.state.seen]
    assert "/session" in served
    assert "/auth/token" in served
    assert "/plain-session" in served
    assert "/export" in served
    summary = features["stdout"].splitlines()[-1]
    for count in ("11 failed", "1 passed", "1 skipped", "1 xfailed"):
        assert count in summary, summary
    plain = ["features/canary.feature:", "AssertionError", "/users/me", "Accept", "the key ***"]
    plain += ["send: b'GET /products", "authStatus", "active"]
    for readable in plain:
        assert readable in everything, readable
    assert "is not accepted yet" in features["junit.xml"]
    assert "has no quota left" in features["junit.xml"]
    assert "pytest_runtest_logreport" in features["pytestdebug.log"]
    if mode != "xdist":  # a worker's interruption is reported as a crashed worker
        assert "KeyboardInterrupt: interrupted holding ***" in ctrl_c["stdout"]
        assert "Exit: stopped: the token *** expired" in stopped["stdout"]
    if mode == "log-file":
        log = features["run.log"]
        assert "debug: password ***" in log
        assert "urllib3.connectionpool" in log


def junit_channels(junit: str) -> dict[str, str]:
    """The JUnit texts that do not come from a failure: outcome messages and properties."""
    root = ET.fromstring(junit)
    texts: dict[str, str] = {}
    for skipped in root.iter("skipped"):
        texts[f"<skipped type={skipped.get('type')}>"] = skipped.get("message", "")
    suite = root.find("testsuite/properties")
    texts["record_testsuite_property"] = "" if suite is None else ET.tostring(suite, "unicode")
    for prop in root.iter("property"):
        if prop.get("name") == "sign-in request":
            texts["record_property"] = prop.get("value", "")
    return texts


def test_the_canaries_are_seen_when_redaction_is_off(
    pytester: pytest.Pytester, planted: Planted
) -> None:
    """The suite above can fail: with the redactor disabled, the same runs leak every canary,
    through each channel the suite covers."""
    values = planted.values
    pytester.makepyfile(
        noredact="""
        def pytest_sessionstart(session):
            session.config.pluginmanager.get_plugin("api-bdd-reporting").redactor.enabled = False
        """
    )
    args = ["-p", "noredact", "--log-file", "run.log"]
    features = run_canaries(pytester, planted.api, args, {})
    ctrl_c, stopped = run_interrupted(pytester, planted.api, args, {})
    everything = "\n".join(text for run in (features, ctrl_c, stopped) for text in run.values())
    assert leaked(everything, values) == set(values) - {"API_USERNAME"}
    channels = {
        "pytestdebug.log": leaked(features["pytestdebug.log"], values),
        **{
            name: leaked(text, values)
            for name, text in junit_channels(features["junit.xml"]).items()
        },
        "Ctrl-C with --full-trace": leaked(ctrl_c["stdout"], values),
        "run history": leaked(features["reports/history.sqlite"], values),
        "pytest.exit": leaked(stopped["stdout"], values),
    }
    expected = {
        "pytestdebug.log": {"API_PASSWORD", "API_TOKEN", ISSUED},
        "<skipped type=pytest.xfail>": {"API_TOKEN"},
        "<skipped type=pytest.skip>": {"API_KEY"},
        "record_testsuite_property": {"API_PASSWORD"},
        "record_property": {"API_PASSWORD"},
        "Ctrl-C with --full-trace": {"API_PASSWORD"},
        "pytest.exit": {"API_TOKEN"},
        "run history": {"API_PASSWORD", "API_TOKEN", ISSUED},  # failures' first lines
    }
    for channel, names in expected.items():
        assert names <= channels.get(channel, set()), channel
