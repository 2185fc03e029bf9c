"""Fills each scenario's record as it runs (in the process that runs it; xdist workers too).

The skeleton comes from the rendered scenario when the test starts; pytest-bdd's step hooks
set each step's status, duration and error; exchanges land under the step that was running
(or in ``after`` once the steps are done: clean-up); what a step notes
(``pytest_api_bdd_step_note``: the values it used or remembered, a status it expected) lands
beside it. A scenario that pytest reports as an expected failure for being pending
(:mod:`reporting.pending`) is recorded as "pending". At teardown the record is attached to the
report as ``report.api_bdd_scenario``, plain data that xdist carries to the controller; an
xdist worker also attaches the skeleton to the setup report, in case it dies in the scenario.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Generator
from typing import Any
from urllib.parse import urlsplit

import pytest

from bdd_items import example_of, release_item, release_report, scenario_of, template_of
from client import Exchange
from reporting.diagnostics import one_line
from reporting.pending import is_pending
from reporting.record_types import ScenarioRecord, StepRecord
from reporting.records import Mask, exchange_record, scenario_record

VALUE_LIMIT = 200  # characters of a value shown beside a step

REPORT_ATTRIBUTE = "api_bdd_scenario"
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


def pack_record(data: dict[str, Any]) -> None:
    """An xdist worker's serialised report carries its scenario record as one JSON text.

    execnet would otherwise walk the record value by value in Python, as the worker sends it
    and again as the controller reads it: a record with its exchanges is some 200 values, and
    that walk cost more than the step itself. A record is JSON by design
    (:mod:`reporting.record_types`), so what the controller reads is what the report data and
    the page carry: a value a plugin added comes back as JSON gives it (a tuple as a list, a
    number key as text), and a record JSON cannot carry at all (bytes, a loop) travels as before.
    """
    record = data.get(REPORT_ATTRIBUTE)
    if isinstance(record, dict):
        with contextlib.suppress(TypeError, ValueError, RecursionError):
            data[REPORT_ATTRIBUTE] = json.dumps(record, check_circular=False)


def unpack_record(data: dict[str, Any]) -> None:
    """The controller's side of :func:`pack_record`: the record is a dict again before pytest
    rebuilds the report, so every reporter reads it as a serial run's."""
    packed = data.get(REPORT_ATTRIBUTE)
    if isinstance(packed, str):
        data[REPORT_ATTRIBUTE] = json.loads(packed)


class Resolved:
    """The steps' pre-flight answer for one item, from collection to the scenario's end: each
    step's function and the first authoring problem, (step line, "undefined" |
    "ambiguous"). Slotted: one is held per item from collection on."""

    __slots__ = ("functions", "problem")

    def __init__(self, functions: tuple[str | None, ...], problem: tuple[int, str] | None) -> None:
        self.functions = functions
        self.problem = problem


class Working:
    """A running scenario's working state: its record, the step running and since when, the
    worst outcome so far, whether pytest reported it pending (an expected failure). One object
    under one stash key, released at teardown (:meth:`ScenarioRecorder.forget`): thousands of
    items would otherwise keep it, and their stashes' grown tables, to the end of the run."""

    __slots__ = ("__weakref__", "pending", "record", "started", "step", "worst")

    def __init__(self, record: ScenarioRecord) -> None:
        self.record = record
        self.step: StepRecord | None = None
        self.started: float | None = None
        self.worst = "passed"
        self.pending = False


WORKING = pytest.StashKey[Working]()
RESOLVED = pytest.StashKey[Resolved]()  # from the steps' pre-flight


def working(item: pytest.Item) -> Working | None:
    """The scenario's working state while it runs (None for a plain test, or once reported)."""
    return item.stash.get(WORKING, None)


def _step_record(item: pytest.Item, step: Any) -> StepRecord | None:
    state = working(item)
    if state is None:
        return None
    for entry in state.record["steps"]:
        if entry["line"] == step.line_number and entry["text"] == step.name:
            return entry
    return None


def under_base(url: str, base: str) -> bool:
    """Whether ``url`` is on ``base``'s origin and under its path (``/api`` holds ``/api/x``,
    not ``/apix``)."""
    target, root = urlsplit(url), urlsplit(base)
    if (target.scheme, target.netloc.lower()) != (root.scheme, root.netloc.lower()):
        return False
    prefix = root.path.rstrip("/")
    return not prefix or target.path == prefix or target.path.startswith(prefix + "/")


class ScenarioRecorder:
    def __init__(self, config: pytest.Config, mask: Mask | None = None) -> None:
        self.rootpath = str(config.rootpath)
        self.mask = mask  # known secrets masked in bodies before they are cut
        self.current: pytest.Item | None = None
        self.worker = hasattr(config, "workerinput")
        # credential value -> the environment variable it came from (for cURL commands)
        self.names: dict[str, str] = {}
        # the base URL of the profile's API: an exchange elsewhere (an OAuth2 token server)
        # is evidence, but no operation of the API (operation coverage skips it)
        self.api_base: str | None = None

    # -- the skeleton ---------------------------------------------------------------------------
    def start(self, item: pytest.Item) -> None:
        self.current = item
        scenario = scenario_of(item)
        if scenario is None:
            return
        index, values = example_of(item) or (None, None)
        resolved = item.stash.get(RESOLVED, None)
        record = scenario_record(
            item.nodeid,
            scenario,
            template_of(item),
            self.rootpath,
            index,
            values,
            list(resolved.functions) if resolved is not None else [],
        )
        item.stash[WORKING] = Working(record)
        if resolved is not None and resolved.problem is not None:
            line, status = resolved.problem
            for entry in record["steps"]:
                if entry["line"] == line:
                    entry["status"] = status

    def stop(self) -> None:
        self.current = None

    def forget(self, item: pytest.Item) -> None:
        """The scenario is reported: its working state goes (the reports carry the redacted
        record), and so do the pre-flight's answer and pytest-bdd's record of the run (its last
        report is made), so a long run keeps none of them per item."""
        release_item(item)
        if WORKING in item.stash:
            del item.stash[WORKING]
        if RESOLVED in item.stash:
            del item.stash[RESOLVED]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, None, None]:
        """Once every plugin has read a report (the living docs keep the record, xdist has
        sent it, pytest-bdd's Cucumber JSON and Gherkin reporter have read its scenario), it
        lets go of the record and of pytest-bdd's copy of the scenario: pytest's terminal
        reporter keeps every report to the end of the run."""
        try:
            return (yield)
        finally:
            report.__dict__.pop(REPORT_ATTRIBUTE, None)
            release_report(report)

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_steps_resolved(
        self, item: pytest.Item, functions: list[str | None], problem: tuple[int, str] | None
    ) -> None:
        """The pre-flight's answer: each step's function, and the first authoring problem."""
        item.stash[RESOLVED] = Resolved(tuple(functions), problem)

    # -- pytest-bdd's step hooks ----------------------------------------------------------------
    def pytest_bdd_before_step(self, request: pytest.FixtureRequest, step: Any) -> None:
        state = working(request.node)
        if state is not None:
            state.step = _step_record(request.node, step)
            state.started = time.perf_counter()

    def _finish(
        self, request: pytest.FixtureRequest, step: Any, status: str, error: str | None
    ) -> None:
        state = working(request.node)
        if state is None:
            return
        entry = _step_record(request.node, step)
        if entry is not None:
            entry["status"] = status
            entry["error"] = error
            started = state.started
            entry["duration"] = 0.0 if started is None else time.perf_counter() - started
        state.step = None

    def pytest_bdd_after_step(self, request: pytest.FixtureRequest, step: Any) -> None:
        self._finish(request, step, "passed", None)

    def pytest_bdd_step_error(
        self, request: pytest.FixtureRequest, step: Any, exception: BaseException
    ) -> None:
        self._finish(request, step, "failed", one_line(exception))

    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: Any, exception: BaseException
    ) -> None:
        self._finish(request, step, "undefined", one_line(exception))

    def interrupt(self, item: pytest.Item, message: str) -> None:
        """The run was interrupted in this test: the running step fails saying so, and what
        comes next (the clean-up) is filed after the steps."""
        state = working(item)
        if state is None:
            return
        state.record["interrupted"] = message
        entry = state.step
        if entry is not None:
            entry["status"], entry["error"] = "failed", f"RunInterrupted: {message}"
            started = state.started
            entry["duration"] = 0.0 if started is None else time.perf_counter() - started
        state.step = None

    # -- evidence -------------------------------------------------------------------------------
    def on_exchange(self, exchange: Exchange) -> None:
        item = self.current
        state = None if item is None else working(item)
        if state is None:
            return
        entry = state.step
        record = exchange_record(exchange, self.names, self.mask)
        if self.api_base is not None:
            record["api"] = under_base(exchange.url, self.api_base)
        if entry is None:  # clean-up: nothing left to undo (404, 410) is what it hoped for
            record["expected"] = exchange.status < 300 or exchange.status in (404, 410)
            state.record["after"].append(record)
        else:
            entry["exchanges"].append(record)

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_step_note(self, item: pytest.Item, note: dict[str, Any]) -> None:
        state = working(item)
        if state is None:
            return
        if note.get("kind") == "expected":
            _mark_expected(state.record, note.get("status"))
            return
        entry = state.step
        if entry is None:
            return
        name, remembered = str(note.get("name")), note.get("kind") == "remembered"
        shown = _shown(note.get("value"))
        for value in entry["values"]:
            if value["name"] == name and value["remembered"] == remembered:
                value["value"] = shown
                return
        entry["values"].append({"name": name, "value": shown, "remembered": remembered})

    # -- the end --------------------------------------------------------------------------------
    def on_report(self, item: pytest.Item, report: pytest.TestReport) -> None:
        state = working(item)
        if state is None:
            return
        record = state.record
        outcome = "failed" if report.failed else report.outcome
        if report.skipped and is_pending(report):
            state.pending = True
        if _RANK[outcome] > _RANK[state.worst]:
            state.worst = outcome
        if report.failed and record.get("error") is None and report.when != "teardown":
            lines = report.longreprtext.strip().splitlines()
            record["error"] = lines[-1] if lines else "failed"
        record["duration"] += report.duration
        if report.when == "teardown" and report.failed:  # a clean-up failed, after every step
            lines = report.longreprtext.strip().splitlines()
            record["teardown_error"] = lines[-1] if lines else "teardown failed"
        if report.when == "setup" and self.worker:
            # The skeleton goes to the controller now: if this worker dies in the scenario, the
            # controller still reports it (failed, with the crash as its error).
            setattr(report, REPORT_ATTRIBUTE, record)
        if report.when != "teardown":
            return
        statuses = [s["status"] for s in record["steps"]]
        if "undefined" in statuses:
            record["status"] = "undefined"
        elif "ambiguous" in statuses:
            record["status"] = "ambiguous"
        elif state.pending:
            record["status"] = "pending"
        else:
            record["status"] = state.worst
        if "failed" in statuses or record["status"] != "failed":
            record["error"] = None  # the failed step carries it (or nothing failed)
        setattr(report, REPORT_ATTRIBUTE, record)


def _shown(value: Any) -> str:
    """A value as the page shows it: JSON text (a string in quotes), cut at VALUE_LIMIT."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"


def _mark_expected(record: ScenarioRecord, status: Any) -> None:
    """The latest exchange with ``status`` was the answer a step asked for."""
    for step in reversed(record["steps"]):
        for exchange in reversed(step["exchanges"]):
            if exchange["status"] == status:
                exchange["expected"] = True
                return
