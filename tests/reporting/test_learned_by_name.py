"""A value seen under a credential's name is learned, then masked by value everywhere in the
run's output: in a repr pytest cut short that no longer shows its name (an assertion's
operands, ``--full-trace -l``'s locals of pytest's own frames such as ``excinfo``), and in the
``--debug`` trace, which wrote the call's ``excinfo`` before the report was redacted.

The value is in no setting and no exchange: only its name says what it is.
"""

from __future__ import annotations

import secrets

import pytest

from tests.conftest import ROOT

TEST = """
import os


def test_the_session_is_refused():
    answer = {"sessionToken": os.environ["SESSION_CANARY"]}
    assert answer["sessionToken"] == "the one we expected"
"""


def test_a_value_seen_under_a_credential_name_is_masked_in_reprs_without_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = f"sess{secrets.token_hex(20)}"
    monkeypatch.setenv("SESSION_CANARY", token)
    pytester.makeconftest('pytest_plugins = ["reporting.plugin"]')
    pytester.makepyprojecttoml(f'[tool.pytest.ini_options]\npythonpath = ["{ROOT}"]\n')
    pytester.makepyfile(test_session=TEST)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--full-trace", "-l", "--debug", "--junitxml", "junit.xml"
    )
    result.assert_outcomes(failed=1)
    trace = (pytester.path / "pytestdebug.log").read_text()
    assert "pytest_runtest_makereport" in trace
    outputs = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "junit.xml": (pytester.path / "junit.xml").read_text(),
        "pytestdebug.log": trace,
    }
    for where, text in outputs.items():
        for form in (token, token[:12], token[-12:], token[10:22]):
            assert form not in text, where
    assert "'sessionToken': '***'" in outputs["terminal"]
