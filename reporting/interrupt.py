"""An interrupted run (Ctrl-C, or SIGTERM as CI sends on cancel or timeout) loses no scenario.

SIGTERM is turned into what Ctrl-C is, a ``KeyboardInterrupt`` (once: a second SIGTERM while
the clean-ups and reports are written is ignored; SIGKILL still ends the process). Under
pytest-xdist the controller does not stop at once, which would kill the workers in the middle
of their scenarios: it passes SIGTERM on to the workers (their process ids ride on their
first reports) and stops scheduling; each worker then handles it as a serial run does.

In the process running the scenario, the interrupted test is finished instead of dropped: the
running step fails with "interrupted (SIGTERM)", the phase that was running gets a failed
report, the teardown runs (clean-ups, recorded as usual) with its own report, and the session
stops after it (``session.shouldstop``, so pytest and xdist end the run as interrupted). So the
scenario reaches every report with its exchanges so far. JUnit would call an interrupted call
phase a failure: once pytest has written the file, those become errors.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

PID_ATTRIBUTE = "api_bdd_worker_pid"
PHASES = pytest.StashKey[set[str]]()
MARK = "interrupted ("  # starts every message of an interruption


class RunInterrupted(Exception):
    """What an interrupted test's report says: which signal stopped the run, and where."""


def reason(err: BaseException) -> str:
    """``interrupted (SIGTERM)``: from our handler's ``KeyboardInterrupt("SIGTERM")``, pytest's
    or xdist's ``Interrupted("interrupted (SIGTERM)")`` (our words), Ctrl-C's bare
    ``KeyboardInterrupt`` (SIGINT), or one that code raised: its message is not repeated, it
    may hold anything (this text travels to places no redaction reaches, xdist's debug)."""
    text = str(err.args[0]) if err.args else ""
    for ours in ("SIGTERM", "SIGINT"):
        if text in (ours, f"{MARK}{ours})"):
            return f"{MARK}{ours})"
    return f"{MARK}{'KeyboardInterrupt' if text else 'SIGINT'})"


def message(err: BaseException) -> str:
    """``interrupted (SIGTERM): the run was stopped while this ran``."""
    return f"{reason(err)}: the run was stopped while this ran"


class Interruption:
    """Installs the SIGTERM handler; finishes an interrupted test; fixes JUnit's word for it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.worker_pids: set[int] = set()
        self.received: str | None = None
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self.on_sigterm)

    def on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: let clean-ups and reports finish
        self.received = "SIGTERM"
        dsession = self.config.pluginmanager.get_plugin("dsession")
        if dsession is not None and self.worker_pids:
            for pid in self.worker_pids:  # each worker finishes its scenario and stops
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
            dsession.shouldstop = f"{MARK}SIGTERM)"
            return
        raise KeyboardInterrupt("SIGTERM")

    def pytest_unconfigure(self) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)

    # -- in the process that runs the tests ------------------------------------------------------
    @pytest.hookimpl(wrapper=True, trylast=True)  # innermost: the others see the one line
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        item.stash.setdefault(PHASES, set()).add(call.when)
        explicit = self.config.option.fulltrace or self.config.option.tbstyle not in (
            "auto",
            None,
        )
        if (
            call.excinfo is not None
            and isinstance(call.excinfo.value, RunInterrupted)
            and not explicit  # --full-trace or --tb: the interrupt's own traceback, chained
        ):
            report.longrepr = f"RunInterrupted: {call.excinfo.value}"
        if call.when == "setup" and hasattr(self.config, "workerinput"):
            setattr(report, PID_ATTRIBUTE, os.getpid())  # where the controller sends SIGTERM
        return report

    # -- on the controller -----------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        pid = getattr(report, PID_ATTRIBUTE, None)
        if isinstance(pid, int):
            self.worker_pids.add(pid)

    @pytest.hookimpl(trylast=True)  # after pytest's JUnit writer
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = getattr(self.config.option, "xmlpath", None)
        stopped = session.exitstatus == pytest.ExitCode.INTERRUPTED
        if path and stopped and not hasattr(self.config, "workerinput"):
            errors_for_interruptions(Path(path))


def finish_interrupted(item: pytest.Item, err: BaseException) -> None:
    """Report an interrupted test as pytest would have, had the phase failed: the running
    phase fails with the interruption, the teardown runs and is reported, the session stops."""
    text = message(err)
    done = item.stash.get(PHASES, set())
    phase = next((p for p in ("setup", "call", "teardown") if p not in done), None)
    if phase is not None:
        _report(item, phase, lambda: _raise(RunInterrupted(text), err))
    if phase in ("setup", "call"):
        _report(item, "teardown", lambda: _teardown(item))
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    item.session.shouldstop = reason(err)


def _teardown(item: pytest.Item) -> None:
    item.ihook.pytest_runtest_teardown(item=item, nextitem=None)


def _raise(error: BaseException, cause: BaseException) -> None:
    raise error from cause


def _report(item: pytest.Item, when: Any, run: Any) -> None:
    call = pytest.CallInfo.from_call(run, when=when)
    report = item.ihook.pytest_runtest_makereport(item=item, call=call)
    item.ihook.pytest_runtest_logreport(report=report)


def errors_for_interruptions(path: Path) -> None:
    """In pytest's JUnit file, an interrupted test is an error, not a failure."""
    import xml.etree.ElementTree as ET  # only when a run was interrupted

    try:
        tree = ET.parse(path)  # noqa: S314 (pytest wrote it just now)
    except (OSError, ET.ParseError):
        return  # not written (a failing writer says so itself)
    root = tree.getroot()
    changed = False
    for suite in [root] if root.tag == "testsuite" else root.iter("testsuite"):
        for failure in suite.findall("testcase/failure"):
            if MARK in (failure.get("message") or ""):
                failure.tag = "error"
                failure.set("type", "RunInterrupted")
                for name, step in (("failures", -1), ("errors", 1)):
                    suite.set(name, str(int(suite.get(name) or 0) + step))
                changed = True
    if changed:
        tree.write(path, encoding="utf-8", xml_declaration=True)
