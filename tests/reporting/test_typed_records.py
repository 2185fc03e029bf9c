"""The records a run reports from are typed: the JSON the page and the merge read is exactly the
serialisation of ``reporting.record_types``, and the page data says which shape it is."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from reporting.document import PAGE_FORMAT
from reporting.record_types import (
    AttemptRecord,
    ExchangeRecord,
    FeatureRecord,
    HopRecord,
    ScenarioRecord,
    StepRecord,
    ValueRecord,
)
from tests.reporting.generated import generated_document
from tests.reporting.test_living_docs import embedded_data, run_sample


def _keys_problems(where: str, data: Mapping[str, Any], kind: Any) -> Iterator[str]:
    keys = set(data)
    missing = kind.__required_keys__ - keys
    extra = keys - kind.__required_keys__ - kind.__optional_keys__
    if missing or extra:
        yield f"{where}: missing {sorted(missing)}, not in {kind.__name__} {sorted(extra)}"


def _exchange_problems(where: str, exchange: Mapping[str, Any]) -> Iterator[str]:
    yield from _keys_problems(where, exchange, ExchangeRecord)
    for attempt in exchange["attempts"]:
        yield from _keys_problems(f"{where} attempt", attempt, AttemptRecord)
    for hop in exchange["hops"]:
        yield from _keys_problems(f"{where} hop", hop, HopRecord)


def _record_problems(record: Mapping[str, Any]) -> Iterator[str]:
    where = record["name"]
    yield from _keys_problems(where, record, ScenarioRecord)
    yield from _keys_problems(f"{where} feature", record["feature"], FeatureRecord)
    for step in record["steps"]:
        yield from _keys_problems(f"{where} / {step['text']}", step, StepRecord)
        for value in step["values"]:
            yield from _keys_problems(f"{where} / {step['text']} value", value, ValueRecord)
        for exchange in step["exchanges"]:
            yield from _exchange_problems(f"{where} / {step['text']} exchange", exchange)
    for exchange in record["after"]:
        yield from _exchange_problems(f"{where} clean-up", exchange)


def test_every_record_a_run_writes_has_exactly_the_keys_of_its_type(
    pytester: pytest.Pytester,
) -> None:
    run_sample(pytester, "--report-data", "data.json")
    records = json.loads((pytester.path / "data.json").read_text())["records"]
    assert any(s["exchanges"] for r in records for s in r["steps"])  # evidence to check
    assert any(s["values"] for r in records for s in r["steps"])
    problems = [problem for record in records for problem in _record_problems(record)]
    assert not problems, "\n".join(problems)
    page = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    on_page = [s for f in page["features"] for g in f["groups"] for s in g["scenarios"]]
    assert sorted(on_page, key=lambda r: r["id"]) == sorted(records, key=lambda r: r["id"])


def test_the_page_data_says_which_shape_it_has() -> None:
    document = generated_document(2)
    assert document["format"] == PAGE_FORMAT == "api-bdd-page-data/1"
    assert next(iter(document)) == "format"  # first, where a reader looks before the rest
