"""How a record is masked on its way out: one function per record kind, one implementation.

Every sink that lets a record leave calls the function for its kind, once, where the data
leaves a process or goes into a file:

- :func:`scenario_record`: in the process that ran the scenario, from the report hook
  (:func:`reporting.secrets.scrub_report`), before xdist carries the record to the controller
  and before the scenario's own tokens are retired. Known values are masked everywhere;
  credential shapes only in what the run produced, not in what the feature's author wrote (a
  demo token in an Examples row). The living docs writer calls it again with ``since`` (the
  redactor's generation when the first record arrived): a pass over known values only, made
  only when the run learned values after that (none under xdist, where the controller learns
  nothing; a serial run that signs in per scenario learns a token each time).
- :func:`catalog_entries`: the step catalog (example lines taken from the features as
  written), with everything the run learned: a value the API set may stand in a step.
- :func:`run_description`: the profile's description for the header and the report data.
- :func:`report_sections`: the sections other plugins add (their markup kept: known values).
- :func:`history_row`: a row of the run history, its failure line masked whole and then cut.
- :func:`controller_text`: a line the controller itself adds (a crashed worker's error, the
  base URL).

The run's own redactor makes every pass: a second redactor of the late values alone would
hold them all again (a token's fragments are thousands of strings).

What stays elsewhere, and why: an exchange's bodies are masked by known value when the
exchange record is built (:func:`reporting.records.exchange_record`), because they are cut
there at ``BODY_LIMIT``: a secret straddling the cut must be masked whole before it, or its
head would survive where no later pass can recognise it. Headers and URLs are masked by name
in the client's own evidence (:meth:`client.Exchange.to_dict`), which error messages and
reprs show too. Both are the evidence's own masking, before any record exists; the record is
still masked here on its way out. The other channels (terminal, JUnit, logs, warnings, the
``--debug`` trace) are pytest's, not records: :mod:`reporting.secrets` and
:mod:`reporting.channels` mask them.

No pytest import.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from client.redaction import Redactor
from reporting.history_records import ScenarioResult

if TYPE_CHECKING:
    from reporting.hookspecs import ReportSection
    from reporting.record_types import ScenarioRecord

FAILURE_LIMIT = 300  # characters of a history row's failure line kept

# What a feature's author wrote, in a scenario record and in each of its steps: shown as
# written unless it holds a known secret (the feature lint keeps credentials out of features).
# Everything else in a record (errors, exchanges, clean-up) was produced by the run.
_AUTHORED = frozenset({"feature", "rule", "keyword", "name", "description", "tags", "example"})
_AUTHORED_IN_STEP = frozenset({"keyword", "text", "datatable", "docstring"})

T = TypeVar("T")

# A feature's scenarios arrive one after another, each carrying an equal copy of the feature's
# record: masked once, that one object is shared by them all, not copied per scenario (a run
# holds every record to its end). Per redactor: (its generation, the record as given, masked).
_LAST_FEATURE: weakref.WeakKeyDictionary[Redactor, tuple[int, Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def scenario_record(record: T, redactor: Redactor, *, since: int | None = None) -> T:
    """The record with secrets masked: known values everywhere, credential shapes in what the
    run produced. With ``since`` (a generation of ``redactor`` the record was masked at): the
    record as it is when nothing was learned since, else masked by known values only."""
    if since is not None:
        if redactor.generation <= since:
            return record
        return cast("T", redactor.redact_value(record, shapes=False))
    if not isinstance(record, dict):
        return cast("T", redactor.redact_value(record))
    authored = _authored(redactor)
    return cast(
        "T",
        {
            key: (
                [_step(step, redactor, authored) for step in value]
                if key == "steps" and isinstance(value, list)
                else _feature(value, redactor)
                if key == "feature"
                else authored(value)
                if key in _AUTHORED
                else redactor.redact_value(value)
            )
            for key, value in record.items()
        },
    )


def _authored(redactor: Redactor) -> Callable[[Any], Any]:
    """How a record's authored text is masked: by known value, or (no value known yet, as in
    most runs' first scenarios and every run without credentials) handed on as it is."""
    if not redactor.knows_values:
        return _as_it_is
    return functools.partial(redactor.redact_value, shapes=False)


def _as_it_is(value: T) -> T:
    return value


def _feature(feature: Any, redactor: Redactor) -> Any:
    """The feature's record masked (as authored text): the last one's when it is equal and the
    redactor learned nothing since (a value learned since may stand in it)."""
    last = _LAST_FEATURE.get(redactor)
    if last is not None and last[0] == redactor.generation and last[1] == feature:
        return last[2]
    masked = redactor.redact_value(feature, shapes=False)
    _LAST_FEATURE[redactor] = (redactor.generation, feature, masked)
    return masked


def _step(step: Any, redactor: Redactor, authored: Callable[[Any], Any]) -> Any:
    if not isinstance(step, dict):
        return redactor.redact_value(step)
    return {
        key: authored(value) if key in _AUTHORED_IN_STEP else redactor.redact_value(value)
        for key, value in step.items()
    }


def scenario_records(
    records: list[ScenarioRecord], redactor: Redactor, *, since: int
) -> list[ScenarioRecord]:
    """:func:`scenario_record` with ``since`` over the records the files are written from."""
    if redactor.generation <= since:
        return records  # the common case, decided once
    return [scenario_record(r, redactor, since=since) for r in records]


def catalog_entries(entries: list[dict[str, Any]], redactor: Redactor) -> list[dict[str, Any]]:
    """The step catalog, masked by known value (its lines are the features' own)."""
    return [redactor.redact_value(entry, shapes=False) for entry in entries]


def run_description(run: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """The profile's description (and git state), masked by known value."""
    return cast("dict[str, Any]", redactor.redact_value(run, shapes=False))


def report_sections(answers: list[list[ReportSection]], redactor: Redactor) -> list[ReportSection]:
    """The sections plugins add, masked by known value: shape rules would cut their markup."""
    return [redactor.redact_value(s, shapes=False) for answer in answers for s in answer]


def history_row(
    row: ScenarioResult, redactor: Redactor | None, *, shapes: bool = False
) -> ScenarioResult:
    """A history row with its failure line and Examples label masked, the line masked whole
    before it is cut (a secret learned late is known by its whole forms only: a head left by
    the cut would stay). ``shapes``: the failure's text was never masked (an imported JUnit
    file); a record's was, in the process that ran it. Without a redactor (a merge of shards,
    whose records were masked by each shard), the line is only cut."""
    failure, example = row.failure, row.example
    if redactor is not None:
        failure = redactor.redact(failure, shapes=shapes) if failure else failure
        example = redactor.redact(example, shapes=False) if example else example
    return replace(row, failure=(failure or "")[:FAILURE_LIMIT] or None, example=example)


def controller_text(text: str, redactor: Redactor) -> str:
    """A line the controller adds to the report itself, masked like the run's own output."""
    return redactor.redact(text)
