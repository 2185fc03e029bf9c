"""Benchmarks: outside the default test run; each prints ratios measured side by side.

Owns ``python -m bench NAME`` (``make bench``). May import every package of ours, the demo API
included: it measures them from the outside, and nothing imports it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_features(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the feature suite in a pytest subprocess (quiet, no cache, and no run history: a
    bench's runs, faults and all, are not the project's runs), with ``args`` added."""
    suite = str(ROOT / "features" / "shop")
    command = [
        sys.executable,
        "-m",
        "pytest",
        suite,
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-history",
    ]
    return subprocess.run(  # noqa: S603
        [*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
