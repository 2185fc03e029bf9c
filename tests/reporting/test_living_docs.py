"""The living documentation, end to end: a sample feature of every kind of result, run through
pytest (serially and with -n 2), and the HTML, Markdown and NDJSON it writes, parsed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from cucumber_messages import Envelope, message_converter

from tests.conftest import bdd_project

SAMPLE = Path(__file__).parent / "sample"


def sample_project(pytester: pytest.Pytester) -> None:
    features = [SAMPLE / "shop.feature"]
    bdd_project(pytester, SAMPLE / "sample_steps.py", features, markers=("shop", "smoke"))


def run_sample(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    sample_project(pytester)
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--cucumber-messages",
        "run.ndjson",
        "--living-docs-markdown",
        "summary.md",
        *args,
    )


def embedded_data(html: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="living-docs-data">(.*?)</script>', html, re.S
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def scenarios(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for feature in doc["features"]:
        for group in feature["groups"]:
            for scenario in group["scenarios"]:
                key = scenario["name"]
                if scenario["example"] is not None:
                    key += f" #{scenario['example']['index'] + 1}"
                out[key] = scenario
    return out


def test_statuses_steps_and_evidence(pytester: pytest.Pytester) -> None:
    result = run_sample(pytester, "--catalog-source")
    result.assert_outcomes(passed=4, failed=1, errors=1, skipped=1)
    html = (pytester.path / "reports" / "living-docs.html").read_text()
    doc = embedded_data(html)
    found = scenarios(doc)
    assert {k: v["status"] for k, v in found.items()} == {
        "A product is created": "passed",
        "The stock is wrong": "failed",
        "A step nobody wrote": "undefined",
        "Not today": "skipped",
        "Totals #1": "passed",
        "Totals #2": "passed",
        "A table and a doc string": "passed",
    }
    wrong = [(s["text"], s["status"]) for s in found["The stock is wrong"]["steps"]]
    assert wrong == [
        ("I am signed in", "passed"),
        ("a product priced 29.99 with 100 in stock", "passed"),
        ("I order 2 of the product", "passed"),
        ("the product has 97 in stock", "failed"),
    ]
    failed_step = found["The stock is wrong"]["steps"][-1]
    assert re.fullmatch(
        r"AssertionError: product \d+ has 98 in stock, not 97", failed_step["error"]
    )
    assert [e["status"] for e in failed_step["exchanges"]] == [200]
    undefined = [(s["text"], s["status"]) for s in found["A step nobody wrote"]["steps"]]
    assert undefined == [
        ("I am signed in", "skipped"),
        ("I order 2 of the product", "skipped"),
        ("the moon is made of cheese", "undefined"),
    ]
    assert all(not s["exchanges"] for s in found["A step nobody wrote"]["steps"])
    # evidence: the sign-in exchange, its cURL with the password as a variable
    sign_in = found["A product is created"]["steps"][0]
    assert sign_in["background"] is True
    assert sign_in["function"] == "steps.vocabulary.signed_in"
    exchange = sign_in["exchanges"][0]
    assert exchange["method"] == "POST"
    assert exchange["url"].endswith("/auth/token")
    assert '"password=$API_PASSWORD"' in exchange["curl"]
    assert '"access_token": "***"' in exchange["response_body"]
    created = found["A product is created"]["steps"][1]["exchanges"][0]
    assert created["status"] == 201
    assert '"Authorization: Bearer $ACCESS_TOKEN"' in created["curl"]
    assert [e["method"] for e in found["A product is created"]["after"]] == ["DELETE"]
    # as written: description, rule, table, doc string
    assert "passing, failing, undefined and skipped scenarios." in html
    assert "Notes travel with the request" in html
    notes, letter = found["A table and a doc string"]["steps"][1:]
    assert notes["datatable"] == [["kind", "text"], ["hello", "world"]]
    assert letter["docstring"] == "Dear shop,\nplease keep my order."
    assert found["Totals #2"]["example"]["values"] == {
        "price": "2.25",
        "quantity": "4",
        "total": "9.00",
    }
    # the summary and the catalog
    assert doc["summary"]["scenarios"] == {
        "passed": 4,
        "failed": 1,
        "pending": 0,
        "undefined": 1,
        "ambiguous": 0,
        "skipped": 1,
    }
    catalog = {e["pattern"]: e for e in doc["catalog"]}
    assert catalog["a step no feature uses"]["uses"] == 0
    assert catalog["a step no feature uses"]["doc"] == "Listed in the catalog as unused."
    # where it is written: its decorator's line
    assert catalog["a step no feature uses"]["uri"] == "sample_steps.py"
    steps_source = (SAMPLE / "sample_steps.py").read_text().splitlines()
    line = catalog["a step no feature uses"]["line"]
    assert steps_source[line - 1] == '@given("a step no feature uses")'
    assert catalog["I order {quantity:d} of the product"]["uses"] == 3
    assert 'class="unused"' in html
    markdown = (pytester.path / "summary.md").read_text()
    assert "**7 scenarios**: 4 passed, 1 failed, 1 undefined, 1 skipped." in markdown
    assert "the product has 97 in stock" in markdown
    assert "the moon is made of cheese" in markdown


def test_cucumber_messages_are_valid_and_carry_the_evidence(pytester: pytest.Pytester) -> None:
    run_sample(pytester)
    lines = (pytester.path / "run.ndjson").read_text().splitlines()
    envelopes = [json.loads(line) for line in lines]
    for envelope in envelopes:
        message_converter.from_dict(envelope, Envelope)  # raises on anything invalid
    kinds = [next(iter(e)) for e in envelopes]
    assert kinds[0] == "meta"
    assert kinds.count("pickle") == 7
    assert kinds.count("testCase") == kinds.count("testCaseStarted") == 7
    assert kinds[-1] == "testRunFinished"
    assert envelopes[-1]["testRunFinished"]["success"] is False
    statuses = [
        e["testStepFinished"]["testStepResult"]["status"]
        for e in envelopes
        if "testStepFinished" in e
    ]
    assert statuses.count("UNDEFINED") == 1
    assert statuses.count("FAILED") == 1
    attachments = [e["attachment"] for e in envelopes if "attachment" in e]
    assert attachments
    assert all(a["mediaType"] == "application/json" for a in attachments)
    assert any('"method": "POST"' in a["body"] for a in attachments)


def normalized(doc: dict[str, Any]) -> Any:
    """The document without timings, ports, ids and bodies: what must not depend on -n."""

    def exchange(e: dict[str, Any]) -> tuple[str, str, int]:
        return (e["method"], re.sub(r"\d+", "N", e["url"].split("/", 3)[-1]), e["status"])

    out = []
    for feature in doc["features"]:
        for group in feature["groups"]:
            for s in group["scenarios"]:
                out.append(
                    (
                        feature["uri"],
                        s["name"],
                        s["status"],
                        s["example"],
                        [
                            (
                                t["text"],
                                t["status"],
                                t["error"] and re.sub(r"\d+", "N", t["error"]),
                                [exchange(e) for e in t["exchanges"]],
                            )
                            for t in s["steps"]
                        ],
                    )
                )
    return out, doc["summary"]["scenarios"], [(c["pattern"], c["uses"]) for c in doc["catalog"]]


def test_xdist_writes_the_same_document_as_a_serial_run(pytester: pytest.Pytester) -> None:
    run_sample(pytester)
    serial = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    run_sample(pytester, "-n", "2")
    parallel = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    assert normalized(parallel) == normalized(serial)


SENT_PROBE = """
import os

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: what xdist is handed
def pytest_report_to_serializable(config, report):
    data = yield
    if data is not None and "api_bdd_scenario" in data:
        where = os.environ.get("PYTEST_XDIST_WORKER", "serial")
        with open("sent.log", "a") as log:
            log.write(f"{where} {data['when']} {type(data['api_bdd_scenario']).__name__}\\n")
    return data
"""


def test_a_worker_sends_each_scenario_record_as_one_json_text(pytester: pytest.Pytester) -> None:
    """execnet walks a nested record value by value, in Python, on both sides (issue 19):
    the record crosses as one JSON text and the controller reads it back as the dict it was
    (the document is the serial run's: the test above)."""
    (pytester.path / "sent_probe.py").write_text(SENT_PROBE)
    result = run_sample(pytester, "-n", "2", "-p", "sent_probe")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the sample has its failing scenarios
    sent = (pytester.path / "sent.log").read_text().split("\n")[:-1]
    assert sent
    assert {line.split()[0] for line in sent} <= {"gw0", "gw1"}
    assert {line.split(" ", 1)[1] for line in sent} == {"setup str", "teardown str"}
    docs = embedded_data((pytester.path / "reports" / "living-docs.html").read_text())
    steps = [
        t for f in docs["features"] for g in f["groups"] for s in g["scenarios"] for t in s["steps"]
    ]
    assert any(t["exchanges"] for t in steps)  # what the steps sent crossed with them


def test_a_record_that_is_not_json_travels_as_it_is() -> None:
    from reporting.recorder import REPORT_ATTRIBUTE, pack_record, unpack_record

    record = {"name": "s", "steps": [{"text": "a \u2603 \ud800", "duration": 0.5}]}
    data = {REPORT_ATTRIBUTE: record}
    pack_record(data)
    assert isinstance(data[REPORT_ATTRIBUTE], str)
    unpack_record(data)
    assert data[REPORT_ATTRIBUTE] == record
    odd = {REPORT_ATTRIBUTE: {"name": "s", "value": b"bytes"}}
    pack_record(odd)
    assert odd[REPORT_ATTRIBUTE] == {"name": "s", "value": b"bytes"}
    unpack_record(odd)
    assert odd[REPORT_ATTRIBUTE] == {"name": "s", "value": b"bytes"}
    added = {REPORT_ATTRIBUTE: {"name": "s", "pair": (1, 2), 7: "seven"}}
    pack_record(added)
    unpack_record(added)  # as the report data and the page carry it
    assert added[REPORT_ATTRIBUTE] == {"name": "s", "pair": [1, 2], "7": "seven"}
    looped: dict[str, object] = {"name": "s"}
    looped["self"] = looped
    pack_record(circular := {REPORT_ATTRIBUTE: looped})
    assert circular[REPORT_ATTRIBUTE] is looped


def test_the_report_can_be_moved_or_skipped(pytester: pytest.Pytester) -> None:
    result = run_sample(pytester, "--living-docs", "out/docs.html")
    assert (pytester.path / "out" / "docs.html").exists()
    assert not (pytester.path / "reports" / "living-docs.html").exists()
    result.stdout.fnmatch_lines(["api-bdd: wrote */out/docs.html"])
    shutil.rmtree(pytester.path / "out")
    run_sample(pytester, "--no-living-docs", "--no-history")  # the run history has its own
    assert not (pytester.path / "out").exists()
    assert [p.name for p in (pytester.path / "reports").iterdir()] == ["history.sqlite"]
