"""The types of the records a run is reported from: scenario, step, exchange (and their parts).

TypedDicts, so a record stays the plain JSON-safe dict xdist carries, the report data stores
and the page reads, while mypy strict checks every key a module writes or reads. The JSON
shape of each type is its serialisation, versioned with the files that carry it: the report
data (``reporting.merge.FORMAT``) and the page data (``reporting.document.PAGE_FORMAT``); a
change here that renames or drops a key bumps both.

Statuses are Cucumber's (``passed``, ``failed``, ``skipped``, ``undefined``, ``ambiguous``)
and ``pending``: a scenario written ahead of the API (``@wip``) that does not pass yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NotRequired, TypedDict


class AttemptRecord(TypedDict):
    """One try at sending a request (:class:`client.Attempt`)."""

    number: int
    outcome: str
    elapsed: float
    wait: float
    reason: str
    retry_after: float | None
    outcome_unknown: bool


class HopRecord(TypedDict):
    """One request of a redirect chain; ``curl`` repeats that hop as it was sent."""

    method: str
    url: str
    status: int
    location: str
    request_headers: dict[str, str]
    curl: NotRequired[str]


class ExchangeRecord(TypedDict):
    """A request and its final response, redacted by name and by known value, bodies cut.

    ``expected``: a step asked for this status (a 404 after a delete), or a clean-up found
    nothing left to undo, so the page does not paint it as a failure. ``api``: whether the
    request went to the profile's API (absent when the run knows no base URL)."""

    method: str
    url: str
    status: int
    reason: str
    request_headers: dict[str, str]
    request_body: str | None
    response_headers: dict[str, str]
    response_body: str | None
    started_at: float
    elapsed: float
    attempts: list[AttemptRecord]
    error: str
    recovered: bool
    retries_exhausted: bool
    outcome_unknown: bool
    applied_by_earlier_attempt: bool
    note: str
    hops: list[HopRecord]
    truncated: bool
    retried: bool
    expected: bool
    waited: float
    curl: str
    curl_variables: dict[str, str]
    api: NotRequired[bool]


class ValueRecord(TypedDict):
    """A value a step used (``remembered`` False) or remembered, as JSON text."""

    name: str
    value: str
    remembered: bool


class StepRecord(TypedDict):
    """A step as run. ``outline_text``, ``outline_docstring``: a Scenario Outline's step and
    doc string as written, ``<placeholders>`` and all (None outside outlines)."""

    keyword: str
    text: str
    outline_text: str | None
    outline_docstring: str | None
    line: int
    type: str
    background: bool
    datatable: list[list[str]] | None
    docstring: str | None
    status: str
    duration: float
    error: str | None
    function: str | None
    values: list[ValueRecord]
    exchanges: list[ExchangeRecord]


class FeatureRecord(TypedDict):
    uri: str
    keyword: str
    name: str
    description: str
    tags: list[str]
    line: int


class RuleRecord(TypedDict):
    keyword: str
    name: str
    description: str
    tags: list[str]


class ExampleRecord(TypedDict):
    """The row of a Scenario Outline's examples: its index and its values by column."""

    index: int
    values: dict[str, str]


class ScenarioRecord(TypedDict):
    """A scenario run. ``error``: why it failed outside its steps (a fixture, a crashed
    worker); ``after``: the exchanges made after the last step (clean-up);
    ``teardown_error``: why its clean-up failed; ``interrupted``: why the run stopped in it
    (Ctrl-C, SIGTERM)."""

    id: str
    feature: FeatureRecord
    rule: RuleRecord | None
    keyword: str
    name: str
    line: int
    tags: list[str]
    description: str
    example: ExampleRecord | None
    status: str
    duration: float
    error: str | None
    steps: list[StepRecord]
    after: list[ExchangeRecord]
    teardown_error: str | None
    interrupted: str | None


def scenario_exchanges(record: ScenarioRecord) -> Iterator[ExchangeRecord]:
    """Every exchange of a scenario: its steps', in order, then its clean-up's."""
    for step in record["steps"]:
        yield from step["exchanges"]
    yield from record["after"]
