"""The memory bench stays runnable and says where a run's memory goes (``bench.memory``)."""

from __future__ import annotations

import pytest

from bench.__main__ import BENCHES
from bench.memory import main


def test_the_memory_bench_prints_the_top_allocation_sites_after_collection_and_during_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert BENCHES["memory"] is main
    # at 4 scenarios the HTTP client's import (a process loads it with its first client, during
    # the run) leads what grew: enough sites are listed to reach api-bdd's own
    assert main(["--n", "4", "--top", "40"]) == 0
    out = capsys.readouterr().out
    for label in ("bare pytest-bdd", "api-bdd"):
        assert f"\n{label}: traced " in out
    assert out.count("alive after collection:") == 2
    assert out.count("grown during the run:") == 2
    assert "reporting/" in out.split("\napi-bdd: traced")[1]  # api-bdd's own sites, relative
    assert "StatisticDiff" not in out  # the probe's own snapshots are not counted
