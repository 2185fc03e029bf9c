"""The run as a Cucumber Messages NDJSON stream, built with the official ``cucumber-messages``.

Gherkin's own parser (``gherkin-official``, which pytest-bdd uses) supplies the ``source``,
``gherkinDocument`` and ``pickle`` messages; the scenario records supply the test cases, each
step's result, and the step's HTTP exchanges as ``attachment`` messages (JSON, redacted).
Every envelope is validated by converting it to the package's ``Envelope`` dataclass.

One difference from Cucumber, on purpose: a scenario with an undefined or ambiguous step is
not run at all (no request is sent for an authoring mistake), so the steps before it are
SKIPPED where Cucumber would run them.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

from cucumber_messages import Envelope, message_converter
from gherkin.stream.gherkin_events import GherkinEvents

from reporting.record_types import ExchangeRecord, ScenarioRecord, StepRecord

GHERKIN_MEDIA_TYPE = "text/x.cucumber.gherkin+plain"


class _Shown(TypedDict):
    """What a test step's result is made from: a step's record, or the clean-up as a step."""

    status: str
    error: str | None
    duration: float
    exchanges: list[ExchangeRecord]


class _Clock:
    """Timestamps for the stream: the run's start plus the recorded durations, in order."""

    def __init__(self, start: float) -> None:
        self.now = start

    def stamp(self) -> dict[str, int]:
        seconds = int(self.now)
        return {"seconds": seconds, "nanos": round((self.now - seconds) * 1e9) % 1_000_000_000}

    def advance(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def _duration(seconds: float) -> dict[str, int]:
    whole = int(seconds)
    return {"seconds": whole, "nanos": round((seconds - whole) * 1e9) % 1_000_000_000}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def read_sources(document: dict[str, Any], rootpath: Path) -> dict[str, str]:
    """The text of each feature file in the document, by its URI (relative to the root)."""
    uris = {feature["uri"] for feature in document["features"]}
    return {uri: (rootpath / uri).read_text(encoding="utf-8") for uri in sorted(uris)}


def _meta() -> dict[str, Any]:
    return {
        "meta": {
            "protocolVersion": _version("cucumber-messages"),
            "implementation": {
                "name": "api-bdd",
                "version": _version("api-bdd"),
            },  # "unknown" from a checkout
            "runtime": {
                "name": platform.python_implementation(),
                "version": platform.python_version(),
            },
            "os": {"name": platform.system(), "version": platform.release()},
            "cpu": {"name": platform.machine()},
        }
    }


def _records_by_line(document: dict[str, Any]) -> dict[tuple[str, int], list[ScenarioRecord]]:
    """The scenario records by (feature URI, scenario line): an outline's rows share a key."""
    records: dict[tuple[str, int], list[ScenarioRecord]] = defaultdict(list)
    for feature in document["features"]:
        for group in feature["groups"]:
            for scenario in group["scenarios"]:
                records[(feature["uri"], scenario["line"])].append(scenario)
    return records


def _step_definition(entry: Mapping[str, Any], definition_id: str) -> dict[str, Any]:
    return {
        "stepDefinition": {
            "id": definition_id,
            "pattern": {"source": entry["pattern"], "type": "CUCUMBER_EXPRESSION"},
            "sourceReference": {
                "uri": entry.get("uri") or entry["function"],
                **({"location": {"line": entry["line"]}} if entry.get("line") else {}),
            },
        }
    }


def _record_of(
    pickle: Mapping[str, Any], records: Mapping[tuple[str, int], list[ScenarioRecord]], ordinal: int
) -> ScenarioRecord | None:
    """The record of a pickle: the ``ordinal``-th row of its scenario (None: not run)."""
    key = (pickle["uri"], pickle["_line"])
    for record in records.get(key, []):
        if (record["example"]["index"] if record["example"] else 0) == ordinal:
            return record
    return None


def _step_result(data: _Shown) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": data["status"].upper(),
        "duration": _duration(data["duration"]),
    }
    if data["error"]:
        result["message"] = data["error"]
    return result


def _shown_step(record: ScenarioRecord, data: _Shown, blamed: StepRecord | None) -> _Shown:
    """A step's data as the stream shows it: blamed for the scenario's own error, pending in a
    @wip scenario (Cucumber's PENDING)."""
    if blamed is not None and data is blamed:
        data = {
            "status": "failed",
            "error": record["error"],
            "duration": blamed["duration"],
            "exchanges": blamed["exchanges"],
        }
    if record["status"] == "pending" and data["status"] == "failed":
        data = {**data, "status": "pending"}
    return data


class _Stream:
    """The envelopes of one run, in order, with the ids and the clock they share."""

    def __init__(self, started: float) -> None:
        self.events = GherkinEvents(
            GherkinEvents.Options(print_source=True, print_ast=True, print_pickles=True)
        )
        self.new_id = self.events.id_generator.get_next_id
        self.envelopes: list[dict[str, Any]] = [_meta()]
        self.clock = _Clock(started)
        self.success = True

    def gherkin(self, document: dict[str, Any], sources: Mapping[str, str]) -> list[dict[str, Any]]:
        """Each feature's source, document and pickles; the pickles, each with its line."""
        pickles: list[dict[str, Any]] = []
        for feature in document["features"]:
            text = sources[feature["uri"]]
            source = {
                "source": {"uri": feature["uri"], "data": text, "mediaType": GHERKIN_MEDIA_TYPE}
            }
            scenario_lines: dict[str, int] = {}
            for raw in self.events.enum(source):  # type: ignore[arg-type]
                event: dict[str, Any] = dict(raw)
                self.envelopes.append(event)
                if "gherkinDocument" in event:
                    scenario_lines.update(_scenario_lines(event["gherkinDocument"]))
                if "pickle" in event:
                    pickle = dict(event["pickle"])
                    pickle["_line"] = scenario_lines[pickle["astNodeIds"][0]]
                    pickles.append(pickle)
        return pickles

    def definitions(self, catalog: list[dict[str, Any]]) -> dict[str, str]:
        """The step definitions; each function's first definition id."""
        definitions: dict[str, str] = {}
        for entry in catalog:
            definition_id = self.new_id()
            definitions.setdefault(entry["function"], definition_id)
            self.envelopes.append(_step_definition(entry, definition_id))
        return definitions

    def test_case(
        self,
        pickle: Mapping[str, Any],
        record: ScenarioRecord,
        definitions: Mapping[str, str],
        hook_id: str | None,
        run_id: str,
    ) -> tuple[str, ScenarioRecord, list[dict[str, Any]]]:
        steps = []
        for pickle_step, step in zip(pickle["steps"], record["steps"], strict=False):
            function = step["function"]
            steps.append(
                {
                    "id": self.new_id(),
                    "pickleStepId": pickle_step["id"],
                    "stepDefinitionIds": [definitions[function]]
                    if function is not None and function in definitions
                    else [],
                    "stepMatchArgumentsLists": [],
                    "_step": step,
                }
            )
        if hook_id is not None and _has_teardown(record):
            steps.append({"id": self.new_id(), "hookId": hook_id, "_step": _teardown_step(record)})
        case_id = self.new_id()
        self.envelopes.append(
            {
                "testCase": {
                    "id": case_id,
                    "pickleId": pickle["id"],
                    "testSteps": [{k: v for k, v in s.items() if k != "_step"} for s in steps],
                    "testRunStartedId": run_id,
                }
            }
        )
        return case_id, record, steps

    def run_case(self, case_id: str, record: ScenarioRecord, steps: list[dict[str, Any]]) -> None:
        started_id = self.new_id()
        self.envelopes.append(
            {
                "testCaseStarted": {
                    "id": started_id,
                    "testCaseId": case_id,
                    "attempt": 0,
                    "timestamp": self.clock.stamp(),
                }
            }
        )
        blamed = _blamed_step(record)
        for step in steps:
            self.run_step(started_id, step["id"], _shown_step(record, step["_step"], blamed))
        self.success = self.success and record["status"] in ("passed", "skipped", "pending")
        self.envelopes.append(
            {
                "testCaseFinished": {
                    "testCaseStartedId": started_id,
                    "timestamp": self.clock.stamp(),
                    "willBeRetried": False,
                }
            }
        )

    def run_step(self, started_id: str, step_id: str, data: _Shown) -> None:
        where = {"testCaseStartedId": started_id, "testStepId": step_id}
        self.envelopes.append({"testStepStarted": {**where, "timestamp": self.clock.stamp()}})
        for exchange in data["exchanges"]:
            self.envelopes.append({"attachment": _attachment(exchange, started_id, step_id)})
        self.clock.advance(data["duration"])
        result = _step_result(data)
        self.success = self.success and data["status"] in ("passed", "skipped", "pending")
        self.envelopes.append(
            {
                "testStepFinished": {
                    **where,
                    "testStepResult": result,
                    "timestamp": self.clock.stamp(),
                }
            }
        )

    def finish(self, run_id: str, notices: list[str]) -> None:
        finished: dict[str, Any] = {
            "testRunStartedId": run_id,
            "timestamp": self.clock.stamp(),
            "success": self.success and not notices,
        }
        if notices:
            finished["message"] = " ".join(notices)
        self.envelopes.append({"testRunFinished": finished})


def build_envelopes(
    document: dict[str, Any], sources: Mapping[str, str], started: float
) -> list[dict[str, Any]]:
    """The run's envelopes: Gherkin's, the step definitions, then each test case as it ran."""
    stream = _Stream(started)
    records = _records_by_line(document)
    pickles = stream.gherkin(document, sources)
    definitions = stream.definitions(document["catalog"])
    hook_id = None  # the clean-up's After hook, declared when a scenario has one
    if any(_has_teardown(r) for found in records.values() for r in found):
        hook_id = stream.new_id()
        stream.envelopes.append(_cleanup_hook(hook_id))
    run_id = stream.new_id()
    stream.envelopes.append({"testRunStarted": {"id": run_id, "timestamp": stream.clock.stamp()}})
    notices = list(document.get("notices", []))
    for notice in notices:  # what the run lacks, first thing after it started
        stream.envelopes.append({"attachment": _notice(notice, run_id)})
    cases = []
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for pickle in pickles:
        key = (pickle["uri"], pickle["_line"])
        record = _record_of(pickle, records, seen[key])
        seen[key] += 1
        if record is not None:  # None: deselected or not run, no test case
            cases.append(stream.test_case(pickle, record, definitions, hook_id, run_id))
    for case in cases:
        stream.run_case(*case)
    stream.finish(run_id, notices)
    return stream.envelopes


def _notice(text: str, run_id: str) -> dict[str, Any]:
    return {
        "body": text,
        "contentEncoding": "IDENTITY",
        "mediaType": "text/plain",
        "fileName": "api-bdd notice",
        "testRunStartedId": run_id,
    }


def _has_teardown(record: ScenarioRecord) -> bool:
    """Whether the scenario's clean-up made requests or failed: then it is an After hook step."""
    return bool(record["after"] or record.get("teardown_error"))


def _cleanup_hook(hook_id: str) -> dict[str, Any]:
    return {
        "hook": {
            "id": hook_id,
            "name": "api-bdd clean-up",
            "type": "AFTER_TEST_CASE",
            "sourceReference": {"uri": "steps/context.py"},
        }
    }


def _teardown_step(record: ScenarioRecord) -> _Shown:
    """The clean-up as a step's data: its requests, failed when the teardown failed."""
    error = record.get("teardown_error")
    return {
        "status": "failed" if error else "passed",
        "error": error,
        "duration": 0.0,
        "exchanges": record["after"],
    }


def _blamed_step(record: ScenarioRecord) -> StepRecord | None:
    """The step a scenario's own error is shown on: a scenario that failed outside its steps (a
    fixture, a crashed worker) has no failed step, and Cucumber's status comes from steps."""
    if record["status"] != "failed" or not record.get("error"):
        return None
    if any(step["status"] == "failed" for step in record["steps"]):
        return None
    return next((step for step in record["steps"] if step["status"] != "passed"), None)


def _scenario_lines(gherkin_document: dict[str, Any]) -> list[tuple[str, int]]:
    out = []
    feature = gherkin_document.get("feature") or {}
    for child in feature.get("children", []):
        for holder in [child, *child.get("rule", {}).get("children", [])]:
            scenario = holder.get("scenario")
            if scenario:
                out.append((scenario["id"], scenario["location"]["line"]))
    return out


def _attachment(exchange: ExchangeRecord, case_started: str, step_id: str) -> dict[str, Any]:
    answer = exchange["status"] or "no response"
    return {
        "body": json.dumps(exchange, ensure_ascii=False),
        "contentEncoding": "IDENTITY",
        "mediaType": "application/json",
        "fileName": f"{exchange['method']} {exchange['url']} -> {answer}.json",
        "testCaseStartedId": case_started,
        "testStepId": step_id,
    }


def render_messages(
    document: dict[str, Any], sources: Mapping[str, str], started: float = 0.0
) -> str:
    """NDJSON: one validated Envelope per line; ``sources`` holds each feature file's text."""
    lines = []
    for envelope in build_envelopes(document, sources, started):
        validated = message_converter.from_dict(envelope, Envelope)
        lines.append(json.dumps(message_converter.to_dict(validated), ensure_ascii=False))
    return "\n".join(lines) + "\n"
