"""The reporting plugin: a switchboard of hooks that delegate to the modules beside it.

Exchanges reach it through a listener on the worker's ``api_client`` (added when that fixture
is set up), attributed to the test running at the time. What a report needs travels on the
``TestReport`` as plain data (``user_properties``), so pytest-xdist carries it to the
controller, which prints the summary.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from client import ApiClient, Exchange
from reporting.retries import RetryLedger, retry_properties

EXCHANGES = pytest.StashKey[list[Exchange]]()


class ReportingPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.current: pytest.Item | None = None
        self.ledger = RetryLedger()
        self.scenarios: set[str] = set()

    # -- recording, in the process that runs the tests -------------------------------------------
    def record(self, exchange: Exchange) -> None:
        if self.current is not None:
            self.current.stash.setdefault(EXCHANGES, []).append(exchange)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: Any, request: pytest.FixtureRequest
    ) -> Generator[None, Any, Any]:
        value = yield
        if fixturedef.argname == "api_client" and isinstance(value, ApiClient):
            value.add_listener(self.record)
        return value

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self.current = item
        try:
            return (yield)
        finally:
            self.current = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        if call.when == "teardown":  # every request of the test is in by now, clean-up included
            item.user_properties.extend(retry_properties(item.stash.get(EXCHANGES, [])))
        return (yield)

    # -- summarising, on the controller (or the only process) ------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.scenarios.add(report.nodeid)
        if report.when == "teardown" or report.failed:
            self.ledger.add(report.nodeid, report.failed, report.user_properties)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        lines = self.ledger.lines(len(self.scenarios))
        if lines:
            terminalreporter.write_sep("=", "api-bdd: requests that needed retries")
            for line in lines:
                terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ReportingPlugin(config), "api-bdd-reporting")
