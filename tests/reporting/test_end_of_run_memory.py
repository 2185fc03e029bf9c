"""What the history and the records hold at the end of a run, where a run's memory peaks: a
small SQLite page cache, an append that streams its rows, names sharing their feature's path,
slotted records, the strips' JSON encoded a row at a time (the same text), and one masked
feature record shared by its scenarios. Structure only, never memory numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from client.redaction import Redactor
from reporting import outbound
from reporting.history import CACHE_KIB, HistoryStore, RunFacts, ScenarioName, ScenarioResult
from reporting.history_view import ScenarioLine, _json, build_view, strip_data, strip_json
from tests.conftest import ROOT

FACTS = RunFacts(started=1.0, duration=2.0, profile="shop", base_url="embedded")


def results(count: int, status: str = "passed") -> list[ScenarioResult]:
    return [
        ScenarioResult(f"features/f{n % 3}.feature", f"scenario <{n}>", f"row={n}", status, 0.5)
        for n in range(count)
    ]


def test_the_history_keeps_a_small_sqlite_page_cache(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        cache = store.db.execute("PRAGMA cache_size").fetchone()[0]
    assert cache == -CACHE_KIB  # KiB, not pages
    assert CACHE_KIB < 2000  # SQLite's default is 2,000 KiB


def test_an_append_finds_each_scenario_by_its_key_without_reading_back_every_key(
    tmp_path: Path,
) -> None:
    statements: list[str] = []
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        store.append(FACTS, results(4), keep=0)
        store.db.set_trace_callback(statements.append)
        run_id = store.append(FACTS, results(6, "failed"), keep=0)
        store.db.set_trace_callback(None)
        stored = store.results(run_id)
        known = store.db.execute("SELECT count(*) FROM scenarios").fetchone()[0]
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in reads if "FROM scenarios" in s and "WHERE" not in s.upper()]
    assert known == 6
    assert {r.status for r in stored.values()} == {"failed"}
    assert len(stored) == 6


def test_the_names_of_one_features_scenarios_share_one_string_for_its_path(
    tmp_path: Path,
) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        store.append(FACTS, results(9), keep=0)
        (stored,) = store.runs("shop")
        names = store.names(stored.statuses)
    by_path: dict[str, set[int]] = {}
    for name in names.values():
        by_path.setdefault(name.uri, set()).add(id(name.uri))
    assert len(by_path) == 3
    assert all(len(objects) == 1 for objects in by_path.values())


def test_the_records_of_the_history_and_its_view_are_slotted() -> None:
    result = results(1)[0]
    line = ScenarioLine(1, ScenarioName("f.feature", "s", ""), "p")
    for record in (result, line, line.name):
        assert not hasattr(record, "__dict__"), type(record).__name__


def test_the_strips_json_is_the_same_text_encoded_a_row_at_a_time(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite") as store:
        store.append(FACTS, results(5), keep=0)
        store.append(FACTS, results(5, "failed"), keep=0)
        runs = store.runs("shop")
        view = build_view(runs, store.names(runs[-1].statuses))
    text = strip_json(view)
    assert text == _json(strip_data(view))
    assert "<" not in text  # escaped: nothing in the data can end the page's script


def _record(feature_name: str, scenario: str) -> dict[str, Any]:
    feature = {"uri": "features/a.feature", "keyword": "Feature", "name": feature_name}
    return {"id": scenario, "feature": {**feature, "tags": ["api"]}, "name": scenario}


def test_the_scenarios_of_one_feature_share_one_masked_feature_record() -> None:
    redactor = Redactor()
    first = outbound.scenario_record(_record("Items", "one"), redactor)
    second = outbound.scenario_record(_record("Items", "two"), redactor)
    other = outbound.scenario_record(_record("Baskets", "three"), redactor)
    assert second["feature"] is first["feature"]
    assert second["feature"] == {**_record("Items", "")["feature"]}
    assert other["feature"]["name"] == "Baskets"


def test_a_value_learned_between_two_scenarios_is_masked_in_the_second_ones_feature() -> None:
    secret = "sk-live-7f3a9c1e5b2d8f4a"
    redactor = Redactor()
    first = outbound.scenario_record(_record(f"Items {secret}", "one"), redactor)
    redactor.add(secret, "a token")
    second = outbound.scenario_record(_record(f"Items {secret}", "two"), redactor)
    assert secret in first["feature"]["name"]  # not known yet when the first one left
    assert secret not in second["feature"]["name"]
    assert second["feature"] is not first["feature"]


def test_a_records_authored_text_is_shared_not_copied_until_a_value_is_known() -> None:
    """What the feature's author wrote (tags, a step's table) is masked by known value only:
    while the run knows no value, the outbound record shares it with the recorder's instead
    of a copy; once one is known, it is masked (and so copied)."""
    table = [["name", "sk-live-7f3a9c1e5b2d8f4a"]]
    step = {"keyword": "Given", "text": "a table", "datatable": table, "status": "passed"}
    record = {**_record("Items", "one"), "tags": ["smoke"], "steps": [step]}
    redactor = Redactor()
    shared = outbound.scenario_record(record, redactor)
    assert shared["tags"] is record["tags"]
    assert shared["steps"][0]["datatable"] is table
    redactor.add("sk-live-7f3a9c1e5b2d8f4a", "a token")
    masked = outbound.scenario_record(record, redactor)
    assert masked["steps"][0]["datatable"] == [["name", "***"]]
    assert table == [["name", "sk-live-7f3a9c1e5b2d8f4a"]]  # the recorder's own is left alone


def test_loading_the_plugins_leaves_the_history_store_rows_and_view_until_a_run_ends() -> None:
    probe = (
        "import sys, reporting.plugin; print(sorted(m for m in ('sqlite3', 'reporting.history',"
        " 'reporting.history_rows', 'reporting.history_view', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run(  # a fresh interpreter: this one imported them all long ago
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_pages_templates_are_kept_compiled_in_jinja2s_private_bytecode_cache() -> None:
    """A run's end loads the pages' templates compiled rather than compiling them each run:
    Jinja2's own file cache, in a folder private to the user, holding the templates' code."""
    import os
    import stat

    from jinja2 import FileSystemBytecodeCache

    from reporting.history_view import _ENV as history_environment
    from reporting.html import _ENV as page_environment

    for environment in (page_environment, history_environment):
        cache = environment.bytecode_cache
        assert isinstance(cache, FileSystemBytecodeCache)
        environment.get_template("living-docs.html.j2")
        folder = os.stat(cache.directory)
        assert folder.st_uid == os.getuid()
        assert stat.S_IMODE(folder.st_mode) & 0o077 == 0  # no one else reads or writes it
        assert any(name.startswith("__jinja2_") for name in os.listdir(cache.directory))
