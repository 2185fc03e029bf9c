"""The benches' feature suite (``bench.run_features``): the framework tests' copy of the shop's
suite, so ``python -m bench flakiness``, ``pooling`` and ``breaking`` run after
``make remove-examples`` (``tests/test_adoption.py`` runs this test after the removal)."""

from __future__ import annotations

from bench import run_features
from tests.steps.test_running_the_features import SHOP_SCENARIOS


def test_the_benches_run_the_shop_suite_from_the_framework_tests_copy() -> None:
    done = run_features("--no-living-docs")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"{SHOP_SCENARIOS} passed" in done.stdout, done.stdout[-3000:]
