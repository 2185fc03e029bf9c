"""Redaction at the channels a test report does not carry.

The ``pytest_runtest_makereport`` wrapper of :mod:`reporting.plugin` scrubs what rides on a
report. pytest also writes text that never passes through one; each channel is closed here,
where pytest hands the text over:

- outcome messages: ``pytest.xfail(msg)`` and ``@pytest.mark.xfail(reason=...)`` keep theirs on
  ``report.wasxfail``, which the terminal and JUnit's ``<skipped message>`` print; a skip keeps
  a ``(path, line, reason)`` tuple, which must stay a tuple (the terminal folds skips by it);
- JUnit: ``record_property``, ``record_xml_attribute`` and ``record_testsuite_property`` hand
  their values to the XML writer (the last two straight, not through a report): fixtures of
  the same names redact the values before the originals take them;
- ``--debug`` (and ``PYTEST_DEBUG``): pluggy's tracer writes every hook call with its
  arguments (assertion operands, warnings, exceptions). Its writer is wrapped, first thing in
  ``pytest_cmdline_main``, so each message is redacted before it is written, and what the
  file received before (the command line) is rewritten in place: no raw line stays on disk,
  even if the run ends before it is configured or dies before it finishes. If the writer
  cannot be reached, ``--debug`` is refused in one line and its file removed. At the end of
  the run the file is rewritten once more, with every value the run learned since;
- Ctrl-C and ``pytest.exit(msg)``: the interrupt is rendered from its exception info (with
  every frame's arguments under ``--full-trace``); each rendering is redacted, and so is the
  exception's message, which pytest writes to stderr itself when it stops the session while
  it starts or finishes;
- the report header, where pytest-base-url prints ``baseurl:`` with any ``user:password@``;
- what tests print with capturing off (``-s``): :mod:`reporting.uncaptured`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from client.redaction import Redactor
from reporting._pytest_private import trace_writer
from reporting.uncaptured import UncapturedOutput

T = TypeVar("T")
Record = Callable[[str, object], None]
HeaderLines = list[str | list[str]]

_PLAIN = (str, int, float, bool, type(None), list, tuple, dict)


def redact_longrepr(longrepr: Any, redactor: Redactor) -> Any:
    """A report's ``longrepr`` redacted; a skip's ``(path, line, reason)`` stays a tuple."""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, reason = longrepr
        return (path, line, redactor.redact(str(reason)))
    return redactor.redact(str(longrepr))


def redact_rendering(value: T, redact: Callable[[str], str]) -> T:
    """Every string in a rendered traceback (pytest's ``TerminalRepr`` dataclasses: crash
    line, source lines, frame arguments, locals, chained sections) redacted, in place."""
    if isinstance(value, str):
        return redact(value)  # type: ignore[return-value]
    if isinstance(value, list):
        value[:] = [redact_rendering(item, redact) for item in value]
    elif isinstance(value, tuple):
        return type(value)(redact_rendering(item, redact) for item in value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            redacted = redact_rendering(getattr(value, field.name), redact)
            with contextlib.suppress(dataclasses.FrozenInstanceError):
                setattr(value, field.name, redacted)
    return value


def redact_exception(exc: BaseException, redactor: Redactor) -> None:
    """The message of an exception redacted in place (``str(exc)`` and ``Exit.msg``)."""
    exc.args = tuple(redactor.redact(a) if isinstance(a, str) else a for a in exc.args)
    if isinstance(exc, pytest.exit.Exception):
        exc.msg = redactor.redact(exc.msg)


@contextlib.contextmanager
def redacted_exit(redactor: Redactor) -> Iterator[None]:
    """Redact the message of a ``pytest.exit`` or Ctrl-C leaving the block."""
    try:
        yield
    except (pytest.exit.Exception, KeyboardInterrupt) as exc:
        redact_exception(exc, redactor)
        raise


class TraceRedaction:
    """The writer pluggy's tracer is given: each message redacted, then written."""

    def __init__(self, write: Callable[[str], object], redactor: Redactor) -> None:
        self.write = write
        self.redactor = redactor

    def __call__(self, text: str) -> None:
        self.write(self.redactor.redact(text))


TRACE = pytest.StashKey[TraceRedaction]()


def guard_trace(config: pytest.Config, redactor: Redactor) -> None:
    """Redact whatever pluggy's tracer writes (``--debug`` file, ``PYTEST_DEBUG`` stderr).

    Called as soon as the command line is parsed (``--version`` ends the run there), with a
    redactor that knows shapes, and again once the plugin is configured, with the run's: each
    call also rewrites what the file holds so far.
    """
    root = config.trace.root
    guard = config.stash.get(TRACE, None)
    if guard is None:
        write = trace_writer(root)
        if write is None:
            if config.option.debug:  # the trace file's writer is not where it was: fail closed
                Path(config.option.debug).unlink(missing_ok=True)
                raise pytest.UsageError(
                    f"api-bdd: --debug would write credentials unredacted to"
                    f" {config.option.debug} with this pytest; run without --debug"
                )
            return
        guard = config.stash[TRACE] = TraceRedaction(write, redactor)
        root.setwriter(guard)
    guard.redactor = redactor
    log = getattr(guard.write, "__self__", None)  # the file, when the writer is its bound write
    name = getattr(log, "name", None)
    if isinstance(log, io.TextIOBase) and isinstance(name, str):  # not a stderr descriptor
        _rewrite_in_place(log, Path(name), redactor)


def _rewrite_in_place(log: io.TextIOBase, path: Path, redactor: Redactor) -> None:
    """Redact what a log file received before its writer was wrapped."""
    if not log.seekable():
        return
    log.flush()
    written = path.read_text(encoding="utf-8", errors="replace")
    log.seek(0)
    log.truncate()
    log.write(redactor.redact(written))
    log.flush()


def _redacted_lines(lines: HeaderLines, redactor: Redactor) -> HeaderLines:
    return [
        redactor.redact(line) if isinstance(line, str) else [redactor.redact(s) for s in line]
        for line in lines
    ]


class ChannelGuard:
    """The hooks and fixture overrides that close the channels above, with one redactor."""

    def __init__(self, config: pytest.Config, redactor: Redactor) -> None:
        self.redactor = redactor
        self.uncaptured = UncapturedOutput(redactor)
        guard_trace(config, redactor)

    # -- outcome messages -------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        reason = getattr(report, "wasxfail", None)
        if isinstance(reason, str):
            report.wasxfail = self.redactor.redact(reason)
        return report

    # -- interrupts: Ctrl-C, pytest.exit ----------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        redact_exception(excinfo.value, self.redactor)
        render = excinfo.getrepr

        def redacted_render(*args: Any, **kwargs: Any) -> Any:
            before = self.redactor.generation
            rendered = redact_rendering(render(*args, **kwargs), self.redactor.redact)
            if self.redactor.generation != before:  # learned from a later line: once more
                rendered = redact_rendering(rendered, self.redactor.redact)
            return rendered

        # Every consumer (the terminal's summary, --full-trace) renders through getrepr.
        excinfo.getrepr = redacted_render  # type: ignore[method-assign]

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> Generator[None, None, None]:
        with redacted_exit(self.redactor):
            result = yield
        if session.config.getoption("capture", None) == "no":  # -s: prints reach the terminal
            self.uncaptured.install()
        return result

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self) -> Generator[None, None, None]:
        with redacted_exit(self.redactor):
            return (yield)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """The trace file once more, with every value the run learned: a line written before
        a value was seen under its credential's name (a call's ``excinfo``) is masked now."""
        self.uncaptured.uninstall()
        guard = config.stash.get(TRACE, None)
        log = getattr(guard.write, "__self__", None) if guard is not None else None
        name = getattr(log, "name", None)
        if isinstance(log, io.TextIOBase) and isinstance(name, str) and not log.closed:
            _rewrite_in_place(log, Path(name), self.redactor)

    # -- the report header ------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_report_header(self) -> Generator[None, HeaderLines, HeaderLines]:
        return _redacted_lines((yield), self.redactor)

    @pytest.hookimpl(wrapper=True)
    def pytest_report_collectionfinish(self) -> Generator[None, HeaderLines, HeaderLines]:
        return _redacted_lines((yield), self.redactor)

    # -- JUnit properties and attributes ----------------------------------------------------
    def _redacting(self, record: Record, *, keep_plain: bool = False) -> Record:
        def redacted(name: str, value: object) -> None:
            if isinstance(name, str):
                name = self.redactor.redact(name)
            if keep_plain and isinstance(value, _PLAIN):
                value = self.redactor.redact_value(value)
            else:  # the XML writer calls str() on it: redact that
                value = self.redactor.redact(str(value))
            record(name, value)

        return redacted

    @pytest.fixture(name="record_property")
    def redacted_record_property(self, record_property: Record) -> Record:
        """pytest's ``record_property``, its values redacted (objects as their ``str``)."""
        return self._redacting(record_property, keep_plain=True)

    @pytest.fixture(name="record_xml_attribute")
    def redacted_record_xml_attribute(self, record_xml_attribute: Record) -> Record:
        """pytest's ``record_xml_attribute``, its values redacted."""
        return self._redacting(record_xml_attribute)

    @pytest.fixture(name="record_testsuite_property", scope="session")
    def redacted_record_testsuite_property(self, record_testsuite_property: Record) -> Record:
        """pytest's ``record_testsuite_property``, its values redacted."""
        return self._redacting(record_testsuite_property)
