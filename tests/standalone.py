"""Start ``python -m demo_api`` in a subprocess and find the URL it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

_SERVING = re.compile(r"serving (http://127\.0\.0\.1:\d+)")


@dataclass
class Standalone:
    url: str
    log: str


@contextmanager
def start_standalone(workdir: Path, env: dict[str, str], *args: str) -> Iterator[Standalone]:
    """Run the demo API with its database in ``workdir``; yield once it serves; stop it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demo_api",
            "--port",
            "0",
            "--db",
            str(workdir / "shop.sqlite3"),
            *args,
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        for line in process.stderr:  # blocks until the server prints; ends if it dies
            lines.append(line)
            match = _SERVING.search(line)
            if match:
                yield Standalone(match.group(1), "".join(lines))
                break
        else:
            raise AssertionError(f"demo_api exited before serving:\n{''.join(lines)}")
    finally:
        process.terminate()
        process.wait(timeout=30)
