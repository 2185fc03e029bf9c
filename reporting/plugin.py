"""The reporting plugin: a switchboard of hooks that delegate to the modules beside it.

Exchanges reach it through a listener it adds to the worker's client when the steps announce
it (``pytest_api_bdd_client_created``), attributed to the test running at the time. What a
report needs travels on the ``TestReport`` as plain data (``user_properties``), so
pytest-xdist carries it to the controller, which prints the summary.

Secrets: one :class:`~client.redaction.Redactor` per process learns the settings' secrets, every
credential the steps read or obtain (``pytest_api_bdd_secret``), the credentials every exchange
carried or obtained, and values steps register with the ``secret`` fixture. It scrubs each
report in the worker, before any reporter (terminal, JUnit, cucumber JSON, xdist) sees it,
every recorded warning, and every log record on pytest's handlers (captured, live,
``--log-file``) and the root logger's.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from client import Exchange, SettingsError, load_settings
from client.redaction import Redactor
from reporting import channels, history_plugin, interrupt, livingdocs
from reporting.recorder import ScenarioRecorder, pack_record, unpack_record
from reporting.retries import RetryLedger, retry_properties
from reporting.secrets import (
    RedactingFilter,
    attach_filter,
    learn_from_exchange,
    scrub_report,
    scrub_warning,
    settings_secrets,
)

if TYPE_CHECKING:  # the client is a worker's; the controller never imports requests for it
    from client import ApiClient

EXCHANGES = pytest.StashKey[list[Exchange]]()


class ReportingPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.current: pytest.Item | None = None
        self.ledger = RetryLedger()
        self.scenarios: set[str] = set()
        # one refused sign-in fails every scenario that signs in: said once, with how many
        self.sign_in_failures: Counter[str] = Counter()
        self.redactor = Redactor()
        self.recorder = ScenarioRecorder(config, self.redactor.redact)
        config.pluginmanager.register(self.recorder, "api-bdd-recorder")
        self.log_filter = RedactingFilter(self.redactor)
        # The environment's secrets, known before anything runs. An invalid setting is reported,
        # naming the variable, by the settings check.
        with contextlib.suppress(SettingsError):
            self.redactor.add_all(settings_secrets(load_settings()))

    # -- recording, in the process that runs the tests -------------------------------------------
    def record(self, exchange: Exchange) -> None:
        learn_from_exchange(self.redactor, exchange)
        if self.current is not None:
            self.current.stash.setdefault(EXCHANGES, []).append(exchange)
            self.recorder.on_exchange(exchange)

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_client_created(self, client: ApiClient) -> None:
        client.add_listener(self.record)
        self.recorder.api_base = client.base_url

    @pytest.hookimpl(optionalhook=True)
    def pytest_api_bdd_secret(self, value: SecretStr, name: str) -> None:
        secret = value.get_secret_value()
        self.redactor.add(secret, name)
        self.recorder.names[secret] = name

    @pytest.hookimpl(optionalhook=True)
    def pytest_api_bdd_credential(self, value: str, name: str) -> None:
        self.recorder.names[value] = name

    # -- redaction at every channel ---------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        logging_plugin = self.config.pluginmanager.get_plugin("logging-plugin")
        handlers = [
            getattr(logging_plugin, name, None)
            for name in ("caplog_handler", "report_handler", "log_file_handler", "log_cli_handler")
        ]
        attach_filter([*handlers, *logging.getLogger().handlers], self.log_filter)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_logstart(self) -> Generator[None, None, None]:
        # Handlers added to the root logger since (by a test or plugin) get the filter too.
        attach_filter(logging.getLogger().handlers, self.log_filter)
        return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self.current = item
        self.recorder.start(item)
        try:
            return (yield)
        except KeyboardInterrupt as err:  # Ctrl-C or SIGTERM: finish the test, then stop
            self.recorder.interrupt(item, interrupt.message(err))
            interrupt.finish_interrupted(item, err)
            return True
        finally:
            self.current = None
            self.recorder.stop()
            self.redactor.retire_scoped()  # its tokens' fragments: memory stays flat

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        if call.when == "teardown":  # every request of the test is in by now, clean-up included
            exchanges: list[Exchange] = item.stash.get(EXCHANGES, [])
            item.user_properties.extend(retry_properties(exchanges))
        report = yield
        self.recorder.on_report(item, report)
        scrub_report(report, self.redactor)  # outermost wrapper: after every other plugin
        if call.when == "teardown":  # what the test's exchanges were is on the report now
            self.recorder.forget(item)
            if EXCHANGES in item.stash:
                del item.stash[EXCHANGES]
        return report

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(self) -> Generator[None, Any, Any]:
        report = yield
        if report.longrepr is not None:
            report.longrepr = channels.redact_longrepr(report.longrepr, self.redactor)
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_warning_recorded(self, warning_message: Any) -> None:
        scrub_warning(warning_message, self.redactor)  # before the summary or xdist keeps it

    # -- summarising, on the controller (or the only process) ------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.scenarios.add(report.nodeid)
        if report.failed:
            found = _SIGN_IN_FAILED.search(report.longreprtext)
            if found:
                self.sign_in_failures[found.group(1).strip()] += 1
        if report.when == "teardown" or report.failed:
            self.ledger.add(report.nodeid, report.failed, report.user_properties)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for warning in self.redactor.warnings:
            terminalreporter.write_line(f"api-bdd: warning: {warning}", yellow=True)
        for cause, count in self.sign_in_failures.items():
            scenarios = "1 scenario" if count == 1 else f"{count} scenarios"
            terminalreporter.write_line(f"api-bdd: {cause} ({scenarios})", red=True, bold=True)
        lines = self.ledger.lines(len(self.scenarios))
        if lines:
            terminalreporter.write_sep("=", "api-bdd: requests that needed retries")
            for line in lines:
                terminalreporter.write_line(line)


@pytest.fixture
def secret(request: pytest.FixtureRequest) -> Any:
    """``secret(value, name)`` registers a value to be masked in every output of the run."""
    plugin = request.config.pluginmanager.get_plugin("api-bdd-reporting")
    assert isinstance(plugin, ReportingPlugin)
    return plugin.redactor.add


def pytest_addoption(parser: pytest.Parser) -> None:
    livingdocs.pytest_addoption(parser)
    history_plugin.pytest_addoption(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from reporting import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    channels.guard_trace(config, Redactor())  # shapes only, until the run's redactor exists


@pytest.hookimpl(tryfirst=True)  # first: the --debug trace masks known secrets from here on
def pytest_configure(config: pytest.Config) -> None:
    plugin = ReportingPlugin(config)
    config.pluginmanager.register(plugin, "api-bdd-reporting")
    config.pluginmanager.register(
        channels.ChannelGuard(config, plugin.redactor), "api-bdd-channels"
    )
    docs = livingdocs.LivingDocs(config, plugin.redactor)
    config.pluginmanager.register(docs, "api-bdd-living-docs")
    if not hasattr(config, "workerinput"):  # the controller keeps the history
        history = history_plugin.HistoryPlugin(config, plugin.redactor, sharded=bool(docs.shard))
        config.pluginmanager.register(history, "api-bdd-history")
    config.pluginmanager.register(interrupt.Interruption(config), "api-bdd-interruption")


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(
    config: pytest.Config, report: pytest.CollectReport | pytest.TestReport
) -> Generator[None, dict[str, Any] | None, dict[str, Any] | None]:
    """In an xdist worker, the scenario record goes to the controller as one JSON text."""
    data = yield
    if data is not None and hasattr(config, "workerinput"):
        pack_record(data)
    return data


@pytest.hookimpl(tryfirst=True)
def pytest_report_from_serializable(config: pytest.Config, data: dict[str, Any]) -> None:
    """The controller reads the record back into a dict before pytest rebuilds the report."""
    unpack_record(data)


# the line an AuthError gives a scenario whose sign-in was refused or never answered
_SIGN_IN_FAILED = re.compile(r"^(?:E\s+)?AuthError: (sign-in failed: [^\n]+)$", re.M)
