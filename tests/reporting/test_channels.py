"""The channels a test report does not carry: each redacted where pytest hands the text over.

Every test plants a fresh password in the environment (the redactor learns it from the
settings), runs a small project wired with the reporting plugin only, and looks for the
password in everything the run printed or wrote. The password has only URL-, JSON- and
XML-safe characters, so each encoding of it is the password itself.
"""

from __future__ import annotations

import secrets

import pytest

from client.redaction import Redactor
from reporting.channels import guard_trace, redact_longrepr, redact_rendering
from tests.conftest import ROOT


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"pw-{secrets.token_hex(12)}"
    monkeypatch.setenv("API_USERNAME", "canary-user")
    monkeypatch.setenv("API_PASSWORD", value)
    return value


@pytest.fixture
def plain(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with the reporting plugin and nothing else of ours."""
    pytester.makeconftest('pytest_plugins = ["reporting.plugin"]')
    pytester.makepyprojecttoml(
        f"""
        [tool.pytest.ini_options]
        pythonpath = ["{ROOT}"]
        """
    )
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, str]:
    """Run pytest; return the result and everything it printed or wrote."""
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", *args)
    # the test's own modules hold the secret as written, and so do their compiled copies,
    # which Python keeps in __pycache__ unless PYTHONDONTWRITEBYTECODE is set
    written = [
        path.read_text(errors="replace")
        for path in pytester.path.rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".toml")
        and not (path.suffix == ".pyc" and path.parent.name == "__pycache__")
    ]
    return result, "\n".join([result.stdout.str(), result.stderr.str(), *written])


def assert_no_leak(everything: str, password: str) -> None:
    for form in (password, password[:12], password[-12:]):
        assert form not in everything


# -- outcome messages ---------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_an_xfail_message_is_redacted_in_the_terminal_and_junit(
    plain: pytest.Pytester, password: str, extra: list[str]
) -> None:
    plain.makepyfile(
        """
        import os
        import pytest

        def test_gives_up():
            pytest.xfail("the password " + os.environ["API_PASSWORD"] + " is refused")

        @pytest.mark.xfail(reason="known: " + os.environ["API_PASSWORD"])
        def test_known_to_fail():
            assert False
        """
    )
    result, everything = run(plain, "-rA", "-v", "--junitxml", "junit.xml", *extra)
    result.assert_outcomes(xfailed=2)
    assert_no_leak(everything, password)
    for shown in ("*XFAIL*the password *** is refused*", "*XFAIL*known: ****"):
        result.stdout.fnmatch_lines([shown])  # one at a time: xdist reports in any order
    junit = (plain.path / "junit.xml").read_text()
    assert 'message="the password *** is refused"' in junit
    assert 'message="known: ***"' in junit


def test_a_skip_keeps_its_reason_and_loses_the_secret(
    plain: pytest.Pytester, password: str
) -> None:
    """A module-level skip is a collection report whose reason is a tuple: it stays one."""
    plain.makepyfile(
        test_skipped_module="""
        import os
        import pytest

        pytest.skip("no service for " + os.environ["API_PASSWORD"], allow_module_level=True)
        """,
        test_skipped_step="""
        import os
        import pytest

        def test_skips():
            pytest.skip("skipped with " + os.environ["API_PASSWORD"])
        """,
    )
    result, everything = run(plain, "-rA", "-v", "--junitxml", "junit.xml")
    assert "INTERNALERROR" not in everything
    result.assert_outcomes(skipped=2)
    assert_no_leak(everything, password)
    result.stdout.fnmatch_lines(
        ["SKIPPED *test_skipped_module.py:4: no service for ***", "*skipped with ****"]
    )


def test_a_pytest_exit_message_is_redacted(plain: pytest.Pytester, password: str) -> None:
    plain.makepyfile(
        """
        import os
        import pytest

        def test_stops():
            pytest.exit("stopped holding " + os.environ["API_PASSWORD"])
        """
    )
    result, everything = run(plain)
    assert_no_leak(everything, password)
    result.stdout.fnmatch_lines(["*Exit: stopped holding ****"])


def test_a_pytest_exit_while_the_session_starts_is_redacted_on_stderr(
    plain: pytest.Pytester, password: str
) -> None:
    """pytest writes this one to stderr itself, before any report exists."""
    plain.makepyfile(
        stopper="""
        import os
        import pytest

        def pytest_sessionstart(session):
            pytest.exit("cannot start with " + os.environ["API_PASSWORD"])
        """,
        test_nothing="def test_nothing():\n    pass\n",
    )
    result, everything = run(plain, "-p", "stopper")
    assert_no_leak(everything, password)
    result.stderr.fnmatch_lines(["Exit: cannot start with ***"])


def test_a_ctrl_c_traceback_is_redacted_with_full_trace_and_locals(
    plain: pytest.Pytester, password: str
) -> None:
    plain.makepyfile(
        """
        import os

        def hold(password):
            also = password
            raise KeyboardInterrupt("stopped holding " + password)

        def test_interrupted():
            hold(os.environ["API_PASSWORD"])
        """
    )
    result, everything = run(plain, "--full-trace", "-l")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert_no_leak(everything, password)
    # the interrupted test is reported (failed, then the run stops), its traceback chained
    result.stdout.fnmatch_lines(
        [
            "password = '***'",
            "E *KeyboardInterrupt: stopped holding ***",
            "E *RunInterrupted: interrupted (KeyboardInterrupt)*",
        ]
    )


# -- JUnit properties and attributes ----------------------------------------------------------
def test_junit_properties_and_attributes_are_redacted(
    plain: pytest.Pytester, password: str
) -> None:
    plain.makepyfile(
        """
        import os

        class Holder:
            def __str__(self):
                return "holding " + os.environ["API_PASSWORD"]

        def test_records(record_property, record_xml_attribute, record_testsuite_property):
            record_testsuite_property("suite", "suite " + os.environ["API_PASSWORD"])
            record_xml_attribute("attribute", "attribute " + os.environ["API_PASSWORD"])
            record_property("text", "text " + os.environ["API_PASSWORD"])
            record_property("object", Holder())
        """
    )
    result, everything = run(plain, "--junitxml", "junit.xml", "-o", "junit_family=xunit1")
    result.assert_outcomes(passed=1)
    assert_no_leak(everything, password)
    junit = (plain.path / "junit.xml").read_text()
    for shown in (
        '<property name="suite" value="suite ***" />',
        'attribute="attribute ***"',
        '<property name="text" value="text ***" />',
        '<property name="object" value="holding ***" />',
    ):
        assert shown in junit


# -- --debug --------------------------------------------------------------------------------------
def test_the_debug_log_is_redacted_from_its_first_line(
    plain: pytest.Pytester, password: str
) -> None:
    """The command line (written before any plugin is configured) and every hook call."""
    plain.makepyfile(
        """
        import os
        import warnings

        def test_compares():
            warnings.warn("warned about " + os.environ["API_PASSWORD"])
            assert {"Authorization": "Basic " + os.environ["API_PASSWORD"]} == {}
        """
    )
    url = f"http://canary:{password}@127.0.0.1:9"
    result, everything = run(plain, "--debug=pytestdebug.log", "--base-url", url)
    result.assert_outcomes(failed=1)
    assert_no_leak(everything, password)
    log = (plain.path / "pytestdebug.log").read_text()
    assert "'--base-url', 'http://***@127.0.0.1:9'" in log
    assert "pytest_assertrepr_compare" in log
    assert "warned about ***" in log


def test_the_debug_log_of_a_run_that_ends_before_configuring_is_redacted(
    plain: pytest.Pytester, password: str
) -> None:
    """``--version --version`` (versions of the plugins too) ends the run before any plugin is
    configured: the command line at the top of the file is redacted all the same."""
    url = f"http://canary:{password}@127.0.0.1:9"
    versions = ("--version", "--version")
    result, everything = run(plain, *versions, "--debug=pytestdebug.log", "--base-url", url)
    assert result.ret == pytest.ExitCode.OK
    assert_no_leak(everything, password)
    assert "'--base-url', 'http://***@127.0.0.1:9'" in (plain.path / "pytestdebug.log").read_text()


def test_the_debug_log_of_each_xdist_process_is_redacted(
    plain: pytest.Pytester, password: str
) -> None:
    """Workers write the same file (pytest's behaviour): whichever wins holds no secret."""
    plain.makepyfile(
        """
        import os

        def test_compares():
            assert {"Authorization": "Basic " + os.environ["API_PASSWORD"]} == {}
        """
    )
    result, everything = run(plain, "-n", "2", "--debug=pytestdebug.log")
    result.assert_outcomes(failed=1)
    assert_no_leak(everything, password)
    assert "pytest_runtest" in (plain.path / "pytestdebug.log").read_text()


def test_pytest_debug_tracing_to_stderr_is_redacted(
    plain: pytest.Pytester, password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PYTEST_DEBUG=1`` sends the same trace to stderr instead of a file."""
    plain.makepyfile(
        """
        import os

        def test_compares():
            assert {"Authorization": "Basic " + os.environ["API_PASSWORD"]} == {}
        """
    )
    monkeypatch.setenv("PYTEST_DEBUG", "1")
    result, everything = run(plain)
    result.assert_outcomes(failed=1)
    assert_no_leak(everything, password)
    assert "pytest_assertrepr_compare" in result.stderr.str()


def test_a_trace_written_before_the_guard_is_rewritten_and_later_ones_redacted(
    pytester: pytest.Pytester, password: str
) -> None:
    config = pytester.parseconfig("--debug=trace.log", "-o", f"note={password}")
    redactor = Redactor()
    redactor.add(password, "API_PASSWORD")
    guard_trace(config, redactor)
    config.trace(f"a hook saw {password}")
    config.trace.root.get("later")(f"and again {password}")
    config._ensure_unconfigure()  # closes the file, as pytest does at the end
    log = (pytester.path / "trace.log").read_text()
    assert password not in log
    assert "note=***" in log
    assert "a hook saw ***" in log
    assert "and again ***" in log


def test_debug_is_refused_when_its_writer_cannot_be_wrapped(
    pytester: pytest.Pytester, password: str
) -> None:
    """Fail closed: if pluggy's tracer ever keeps its writer elsewhere, no raw file is kept."""
    config = pytester.parseconfig("--debug=trace.log")
    config.trace.root.setwriter(None)  # as if the writer were out of reach
    with pytest.raises(pytest.UsageError, match=r"--debug would write credentials"):
        guard_trace(config, Redactor())
    assert not (pytester.path / "trace.log").exists()


# -- the report header ----------------------------------------------------------------------------
def test_the_base_url_header_hides_the_userinfo(plain: pytest.Pytester, password: str) -> None:
    plain.makepyfile("def test_nothing():\n    pass\n")
    result, everything = run(plain, "--base-url", f"http://canary:{password}@127.0.0.1:9/api")
    assert_no_leak(everything, password)
    result.stdout.fnmatch_lines(["baseurl: http://***@127.0.0.1:9/api"])


# -- the pieces ---------------------------------------------------------------------------------
def test_a_rendered_traceback_is_redacted_everywhere_in_it(password: str) -> None:
    def hold(secret: str) -> None:
        raise KeyboardInterrupt(f"holding {secret}")

    with pytest.raises(KeyboardInterrupt) as caught:
        hold(password)
    redactor = Redactor()
    redactor.add(password, "API_PASSWORD")
    rendering = redact_rendering(caught.getrepr(funcargs=True, showlocals=True), redactor.redact)
    text = str(rendering)
    assert password not in text
    assert "secret = '***'" in text
    assert "KeyboardInterrupt: holding ***" in text


def test_a_skip_reason_stays_a_tuple(password: str) -> None:
    redactor = Redactor()
    redactor.add(password, "API_PASSWORD")
    assert redact_longrepr(("a.py", 3, f"Skipped: {password}"), redactor) == (
        "a.py",
        3,
        "Skipped: ***",
    )
    assert redact_longrepr(f"failed with {password}", redactor) == "failed with ***"


def test_pytestdebug_log_is_kept_out_of_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "pytestdebug.log" in ignored


def test_what_a_test_prints_with_capturing_off_is_redacted(
    plain: pytest.Pytester, password: str
) -> None:
    plain.makepyfile(
        f"""
        import sys

        def test_prints():
            print("password:", {password!r})
            sys.stdout.write("in pieces: " + {password[:10]!r})
            sys.stdout.write({password[10:]!r} + " and more")
            sys.stdout.flush()
            print(file=sys.stderr, end="stderr: " + {password!r} + "\\n")
        """
    )
    result, everything = run(plain, "-s")
    result.assert_outcomes(passed=1)
    assert_no_leak(everything, password)
    assert "password: ***" in result.stdout.str()
    assert "in pieces: *** and more" in result.stdout.str()
    assert "stderr: ***" in result.stderr.str()
