"""The speed bench stays runnable: its suite, server and projects, at N = 5 (``bench.speed``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.jsonserver import JsonServer
from bench.speed import (
    SUITES,
    Run,
    Summary,
    Variant,
    cpu_line,
    main,
    ratios_line,
    run_child,
    variants,
)
from bench.speed_suite import EXTRA_STEPS, PROBE, write_features
from bench.speed_vocab import write_vocab_features


@pytest.fixture(scope="module")
def server() -> Iterator[JsonServer]:
    with JsonServer() as started:
        yield started


def test_features_have_five_steps_per_scenario_and_a_doc_string_every_fourth(
    tmp_path: Path,
) -> None:
    write_features(tmp_path, 30)
    files = sorted(tmp_path.glob("*.feature"))
    text = "".join(f.read_text() for f in files)
    assert len(files) == 2
    assert text.count("Scenario:") == 30
    assert text.count("\n    When ") + text.count("\n    Then ") + text.count("\n    And ") == 150
    assert text.count("When I POST /items with JSON:") == 7
    assert '    And the response JSON at name is "item-3"\n' in text


def test_server_answers_items_echoes_posts_and_refuses_the_rest(server: JsonServer) -> None:
    with requests.Session() as http:
        got = http.get(f"{server.url}/items/7", timeout=5)
        posted = http.post(f"{server.url}/items", json={"id": 4, "name": "item-4"}, timeout=5)
        missing = http.get(f"{server.url}/nothing", timeout=5)
    assert (got.status_code, got.json()["name"]) == (200, "item-7")
    assert got.headers["Content-Type"] == "application/json"
    assert (posted.status_code, posted.json()) == (201, {"id": 4, "name": "item-4"})
    assert missing.status_code == 404


def test_server_stores_a_post_without_id_under_a_new_id_until_it_is_deleted() -> None:
    with JsonServer() as fresh, requests.Session() as http:
        added = http.post(f"{fresh.url}/items", json={"name": "lamp"}, timeout=5)
        number = added.json()["id"]
        read = http.get(f"{fresh.url}/items/{number}", timeout=5)
        deleted = http.delete(f"{fresh.url}/items/{number}", timeout=5)
        again = http.delete(f"{fresh.url}/items/{number}", timeout=5)
        after = http.get(f"{fresh.url}/items/{number}", timeout=5)
    assert (added.status_code, number) == (201, 1_000_000)
    assert read.json() == {"name": "lamp", "id": number}
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert again.status_code == 404
    assert after.json()["name"] == f"item-{number}"  # made up again, as for any id


def test_every_variant_runs_the_tiny_suite_and_passes(server: JsonServer, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    found = variants(tmp_path, 5, server.url)
    wanted = ["raw loop", "bare pytest-bdd +300 steps", "api-bdd +300 steps", "api-bdd collect"]
    runs = {name: run_child(found[name], scratch) for name in wanted}
    assert runs["api-bdd +300 steps"].probe["outcomes"] == {"passed": 5}
    assert runs["api-bdd collect"].probe["items"] == 5
    assert all(run.wall > 0 and run.peak_mib > 1 for run in runs.values())
    extra = (tmp_path / "api-bdd-5-plus300" / "bench_extra_steps.py").read_text()
    assert extra.count("def unused_") == EXTRA_STEPS
    docs = tmp_path / "api-bdd-5-plus300" / "reports" / "living-docs.html"
    assert "item-5" in docs.read_text()


def test_a_failing_scenario_stops_the_bench_with_its_output(tmp_path: Path) -> None:
    (tmp_path / "test_fails.py").write_text("def test_fails():\n    assert False\n")
    (tmp_path / "bench_probe.py").write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = ("-m", "pytest", "-q", "-p", "bench_probe", "test_fails.py")
    with pytest.raises(SystemExit, match=r"(?s)failing: exit 1.*assert False"):
        run_child(Variant("failing", command, tmp_path, env, 1), tmp_path)


def summary(wall: float, peak: float = 100.0) -> Summary:
    return Summary(wall, peak, None, None, cpu=wall / 2)


def test_ratios_line_names_each_ratio_and_marks_sizes_not_run() -> None:
    at_1000 = {
        "bare pytest-bdd": summary(2.0, 50.0),
        "api-bdd": summary(3.0, 75.0),
        "api-bdd +300 steps": summary(3.3),
        "bare pytest-bdd collect": summary(1.0),
        "api-bdd collect": summary(1.5),
    }
    line = ratios_line({1000: at_1000}, 0.9)
    assert line == (
        "ratios: run_1000=1.50 run_5000=- collect_5000=- memory_5000=- steps_plus300=1.10"
        " xdist8_latency50=0.90 vocab_run_5000=- vocab_collect_5000=- vocab_memory_5000=-"
        " vocab_xdist8_latency50=-"
    )
    assert cpu_line({1000: at_1000}).startswith("cpu ratios: run_1000=1.50 run_5000=- ")


def test_the_ratios_line_gains_the_vocabulary_suites_run_collection_memory_and_latency() -> None:
    at_5000 = {
        "bare pytest-bdd": summary(20.0, 100.0),
        "api-bdd": summary(21.0, 125.0),
        "bare pytest-bdd collect": summary(4.0),
        "api-bdd collect": summary(4.4),
    }
    line = ratios_line({}, None, vocab={5000: at_5000}, vocab_latency=0.97)
    assert line.endswith(
        " vocab_run_5000=1.05 vocab_collect_5000=1.10 vocab_memory_5000=1.25"
        " vocab_xdist8_latency50=0.97"
    )
    assert line.startswith("ratios: run_1000=- run_5000=- collect_5000=- memory_5000=- ")
    assert cpu_line({}, vocab={5000: at_5000}).endswith(
        " vocab_run_5000=1.05 vocab_collect_5000=1.10 vocab_memory_5000=1.25"
    )


def test_vocabulary_features_post_check_remember_reuse_and_clean_up(tmp_path: Path) -> None:
    write_vocab_features(tmp_path, 30)
    text = "".join(f.read_text() for f in sorted(tmp_path.glob("*.feature")))
    assert text.count("Scenario:") == 30
    assert text.count("When I POST /items with JSON:") == 30
    assert text.count("And I remember the response JSON at id as item_id\n") == 30
    assert text.count("And to clean up, I DELETE /items/${item_id}\n") == 30
    assert text.count("When I GET /items/${item_id}\n") == 30
    assert text.count('{"id": "#number", "price": "9.99"}') == 30
    assert '    And the response JSON at name is "item-7"\n' in text


def test_both_vocabulary_projects_pass_and_clean_up_what_they_added(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with JsonServer() as fresh:
        found = variants(tmp_path, 3, fresh.url, suite=SUITES["vocab"])
        assert sorted(found) == [
            "api-bdd",
            "api-bdd collect",
            "bare pytest-bdd",
            "bare pytest-bdd collect",
        ]
        runs = {name: run_child(found[name], scratch) for name in ("api-bdd", "bare pytest-bdd")}
        with requests.Session() as http:
            left = [http.delete(f"{fresh.url}/items/{1_000_000 + n}", timeout=5) for n in range(6)]
    assert all(run.probe["outcomes"] == {"passed": 3} for run in runs.values())
    assert [answer.status_code for answer in left] == [404] * 6  # each project's clean-ups ran
    project = tmp_path / "vocab-api-bdd-3"
    # no Python of the project's own: the bench's probe and the plugin list every project has
    assert sorted(p.name for p in project.glob("*.py")) == ["bench_probe.py", "conftest.py"]
    assert f"base_url = '{fresh.url}'" in (project / "api-bdd.toml").read_text()
    assert "item-3" in (project / "reports" / "living-docs.html").read_text()


def test_the_vocabulary_variant_alone_ends_with_its_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--variant", "vocab", "--vocab-n", "4", "--runs", "1", "--vocab-latency-n", "2"]
    assert main([*argv, "--workers", "2", "--delay", "0"]) == 0
    out = capsys.readouterr().out
    assert "generic vocabulary, 10 steps a scenario, N = 4" in out
    assert "custom steps" not in out
    for name in ("bare pytest-bdd", "api-bdd", "bare pytest-bdd collect", "api-bdd collect"):
        assert f"\n  {name} " in out
    last = out.splitlines()[-1]
    assert last.startswith("ratios: run_1000=- run_5000=- collect_5000=- memory_5000=- ")
    assert " xdist8_latency50=- vocab_run_5000=- vocab_collect_5000=- vocab_memory_5000=- " in last
    speed_ups = [line for line in out.splitlines() if "speed-up, serial / -n 2: " in line]
    assert len(speed_ups) == 2  # api-bdd's and bare pytest-bdd's
    ratio = float(last.rpartition(" vocab_xdist8_latency50=")[2])
    assert f"  api-bdd's speed-up / bare pytest-bdd's: {ratio:.2f}" in out


def test_summary_takes_medians_of_wall_memory_and_probe_times() -> None:
    runs = [Run(w, m, {"collection": c}) for w, m, c in [(3, 60, 0.3), (1, 50, 0.1), (2, 70, 9)]]
    assert Summary.of(runs) == Summary(2, 60, 0.3, None)


def test_children_keep_compiled_modules_whatever_the_benchs_own_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bench.speed import child_environment

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    env = child_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert "PYTHONPATH" not in env
    assert env["PATH"] == os.environ["PATH"]


def test_the_latency_mode_puts_bare_beside_api_bdd_and_its_key_is_the_ratio_of_speed_ups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.speed import measure_latency

    ratio = measure_latency(tmp_path, 4, 0.0, 2, 1)
    out = capsys.readouterr().out
    assert ratio > 0
    for name in (
        "api-bdd serial",
        "api-bdd -n 2",
        "bare pytest-bdd serial",
        "bare pytest-bdd -n 2",
    ):
        assert f"  {name}" in out
    speed_ups = {
        label: float(line.rpartition(": ")[2])
        for line in out.splitlines()
        for label in ("api-bdd", "bare pytest-bdd")
        if line.startswith(f"  {label}: speed-up, serial / -n 2: ")
    }
    # the key is api-bdd's speed-up over bare's (the issue: within 5% of bare's), up to the
    # rounding of the two printed speed-ups (two decimals: 0.005 either way each, which at a
    # speed-up below 1, as 4 scenarios with no delay give, is more than 1% of it)
    api, bare = speed_ups["api-bdd"], speed_ups["bare pytest-bdd"]
    assert (api - 0.005) / (bare + 0.005) <= ratio <= (api + 0.005) / (bare - 0.005)
    assert f"  api-bdd's speed-up / bare pytest-bdd's: {ratio:.2f}" in out
