"""Operation coverage of a run, as a pytest plugin: a living-docs section and ``--min-coverage``.

Whoever knows the profile's OpenAPI document calls :func:`enable` at configure time; from then
on, on the controller (or the only process), every scenario record that rides on a report
(``report.api_bdd_scenario``, from xdist workers too) is read for the exchanges its steps and
its clean-up made. The section goes to the living docs through ``pytest_api_bdd_report_sections``;
the terminal summary gives the totals; ``--min-coverage PCT`` fails the run below ``PCT``.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # openapi-core is imported only when a profile names a document
    from models.coverage import Coverage

from reporting.hookspecs import ReportSection
from reporting.record_types import ScenarioRecord, scenario_exchanges
from reporting.recorder import REPORT_ATTRIBUTE

PLUGIN_NAME = "api-bdd-coverage"
_CHANGES_KEY = "api_bdd_document_changes"  # in xdist's workeroutput


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("api-bdd").addoption(
        "--min-coverage",
        metavar="PCT",
        type=float,
        default=None,
        help="fail the run when it exercises less than PCT percent of the operation x status"
        " pairs its OpenAPI document declares",
    )


def enable(config: pytest.Config, document: Mapping[str, Any], base_path: str = "") -> Coverage:
    """Collect this run's coverage of ``document`` (call once, at configure time)."""
    from models.coverage import Coverage

    coverage = Coverage(document, base_path)
    config.pluginmanager.register(CoveragePlugin(config, coverage), PLUGIN_NAME)
    return coverage


def _scenario_label(record: ScenarioRecord) -> str:
    example = record["example"]
    suffix = f" #{example['index'] + 1}" if example else ""
    return f"{record['name']}{suffix}"


class CoveragePlugin:
    def __init__(self, config: pytest.Config, coverage: Coverage) -> None:
        self.coverage = coverage
        self.controller = not hasattr(config, "workerinput")
        minimum = config.getoption("min_coverage", None)
        if minimum is not None and not 0 <= minimum <= 100:
            raise pytest.UsageError(f"--min-coverage must be 0 to 100, not {minimum}")
        self.minimum: float | None = minimum
        self.below = False
        self.scenarios = 0  # scenario records seen: a run without any has no coverage to tell
        self.changes: list[dict[str, Any]] | None = None  # the live document's, once compared
        self.operations: dict[str, list[str]] = {}  # scenario id -> operations it exercised

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = getattr(report, REPORT_ATTRIBUTE, None)
        if record is None or not self.controller:
            return
        self.scenarios += 1
        label = _scenario_label(record)
        used: set[str] = set()
        for exchange in scenario_exchanges(record):
            if exchange.get("api") is False:  # not the profile's API (a token server)
                continue
            self.coverage.record(exchange["method"], exchange["url"], exchange["status"], label)
            operation = self.coverage.operation(exchange["method"], exchange["url"])
            if operation is not None:
                used.add(operation)
        self.operations[record["id"]] = sorted(used)

    def pytest_api_bdd_scenario_operations(self, config: pytest.Config) -> dict[str, list[str]]:
        return self.operations

    @pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
    def pytest_api_bdd_document_changes(
        self, config: pytest.Config, changes: list[dict[str, Any]]
    ) -> None:
        if self.changes is None:
            self.changes = changes
        workeroutput = getattr(config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller writes the reports
            workeroutput[_CHANGES_KEY] = changes

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        changes = getattr(node, "workeroutput", {}).get(_CHANGES_KEY)
        if changes is not None and self.changes is None:
            self.changes = changes

    def pytest_api_bdd_report_sections(self, config: pytest.Config) -> list[ReportSection]:
        if not (self.controller and self.scenarios):
            return []
        from models.breaking import Change
        from reporting.contract_sections import breaking_section, coverage_section

        sections = [coverage_section(self.coverage)]
        if self.changes is not None:
            sections.append(breaking_section([Change(**c) for c in self.changes]))
        return sections

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        if self.controller and self.minimum is not None:
            percent = self.coverage.totals().percent
            self.below = percent < self.minimum
            if self.below and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return (yield)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.controller or not (self.scenarios or self.below):
            return
        totals = self.coverage.totals()
        terminalreporter.write_line(f"api-bdd: operation coverage: {totals}")
        if self.below:
            terminalreporter.write_line(
                f"api-bdd: FAIL: operation coverage {totals.percent:.1f}% is below"
                f" --min-coverage {self.minimum:g}%",
                red=True,
            )


@pytest.hookimpl(optionalhook=True)  # declared by the steps plugin
def pytest_api_bdd_openapi_document(
    config: pytest.Config, document: Mapping[str, Any], base_path: str
) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        enable(config, document, base_path)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("min_coverage", None) is not None and not config.pluginmanager.has_plugin(
        PLUGIN_NAME
    ):
        raise pytest.UsageError(
            "api-bdd: --min-coverage needs an OpenAPI document: name one in the API profile"
        )
