"""``python -m demo_api`` as a user runs it: a separate process on a port of its own."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import ROOT
from tests.standalone import start_standalone


def test_standalone_generates_credentials_into_a_private_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("API_USERNAME", "API_PASSWORD")}
    with start_standalone(tmp_path, env) as api:
        env_file = tmp_path / "demo-credentials.env"
        values = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        assert str(env_file) in api.log
        assert values["API_PASSWORD"] not in api.log  # printed where, never what
        answer = requests.post(
            f"{api.url}/auth/token",
            data={"username": values["API_USERNAME"], "password": values["API_PASSWORD"]},
            timeout=5,
        )
        assert answer.status_code == 200


def test_standalone_seeds_the_user_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "API_USERNAME": "alice", "API_PASSWORD": "correct-horse-battery"}
    with start_standalone(tmp_path, env) as api:
        answer = requests.post(
            f"{api.url}/auth/token",
            data={"username": "alice", "password": "correct-horse-battery"},
            timeout=5,
        )
        assert answer.status_code == 200
        assert "correct-horse-battery" not in api.log
        assert not (tmp_path / "demo-credentials.env").exists()


def test_standalone_rejects_a_bad_port_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "demo_api", "--port", "eighty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid int value: 'eighty'" in done.stderr
    assert "Traceback" not in done.stderr
