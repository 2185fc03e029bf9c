"""Benchmarks: outside the default test run; each prints ratios measured side by side.

Owns ``python -m bench NAME`` (``make bench``). May import every package of ours, the demo API
included: it measures them from the outside, and nothing imports it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.suites import write_project

ROOT = Path(__file__).resolve().parents[1]


def run_features(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the shop's feature suite in a pytest subprocess (quiet, no cache, and no run history:
    a bench's runs, faults and all, are not the project's runs), with ``args`` added.

    The suite is the framework tests' copy (:mod:`tests.suites`), in a scratch project wired like
    this repository, so the benches work after ``make remove-examples``."""
    command = [sys.executable, "-m", "pytest", "features/shop", "-q"]
    command += ["-p", "no:cacheprovider", "--no-history"]
    environ = dict(os.environ if env is None else env)
    environ["PYTHONPATH"] = str(ROOT)  # the bench's own plugins (-p bench.counting) load early
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        write_project(Path(tmp))
        return subprocess.run(  # noqa: S603
            [*command, *args], cwd=tmp, env=environ, capture_output=True, text=True, check=False
        )
