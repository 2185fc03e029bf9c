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


def sign_in(url: str, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{url}/auth/token", data={"username": username, "password": password}, timeout=5
    )


def test_standalone_restarted_on_the_same_db_with_the_same_user_keeps_serving(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "API_USERNAME": "alice",
        "API_PASSWORD": "correct-horse-battery",
        "API_TOKEN": "pre-issued-token-0123456789",
    }
    bearer = {"Authorization": "Bearer pre-issued-token-0123456789"}
    with start_standalone(tmp_path, env) as api:
        made = requests.post(
            f"{api.url}/products",
            json={"name": "kept", "price": "1.00", "stock": 1},
            headers=bearer,
            timeout=5,
        )
        assert made.status_code == 201
    with start_standalone(tmp_path, env) as again:  # the same --db, the same user and token
        assert sign_in(again.url, "alice", "correct-horse-battery").status_code == 200
        assert requests.get(f"{again.url}/users/me", headers=bearer, timeout=5).status_code == 200
        kept = requests.get(f"{again.url}/products/{made.json()['id']}", timeout=5)
        assert kept.json()["name"] == "kept"
        assert "Traceback" not in again.log


def test_standalone_says_when_a_pre_issued_token_expires(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "API_USERNAME": "alice",
        "API_PASSWORD": "correct-horse-battery",
        "API_TOKEN": "pre-issued-token-0123456789",
    }
    with start_standalone(tmp_path, env, "--token-ttl", "60") as api:
        assert "demo_api: API_TOKEN is accepted for 60 s, until " in api.log
        assert "after that it gets 401 (--token-ttl sets how long)" in api.log
        assert "pre-issued-token-0123456789" not in api.log


def test_standalone_restarted_reuses_its_credentials_file_and_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("API_USERNAME", "API_PASSWORD")}
    env_file = tmp_path / "demo-credentials.env"
    with start_standalone(tmp_path, env):
        written = env_file.read_text()
    with start_standalone(tmp_path, env) as again:
        assert env_file.read_text() == written  # not overwritten
        assert f"demo_api: reusing the credentials in {env_file}" in again.log
        values = dict(line.split("=", 1) for line in written.splitlines())
        answer = sign_in(again.url, values["API_USERNAME"], values["API_PASSWORD"])
        assert answer.status_code == 200


def test_standalone_new_credentials_replaces_the_file_and_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("API_USERNAME", "API_PASSWORD")}
    env_file = tmp_path / "demo-credentials.env"
    env_file.write_text("API_USERNAME=old\nAPI_PASSWORD=old-password-123456\n")
    with start_standalone(tmp_path, env, "--new-credentials") as api:
        assert f"demo_api: replaced the credentials in {env_file}" in api.log
        assert "old-password-123456" not in env_file.read_text()
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_standalone_refuses_a_credentials_file_without_credentials_in_one_line(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("API_USERNAME", "API_PASSWORD")}
    (tmp_path / "demo-credentials.env").write_text("nothing useful\n")
    done = subprocess.run(
        [sys.executable, "-m", "demo_api", "--port", "0", "--db", str(tmp_path / "s.sqlite3")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"python -m demo_api: error: {tmp_path / 'demo-credentials.env'} exists but holds no"
        " API_USERNAME and API_PASSWORD: fix it, or pass --new-credentials to replace it"
    )
    assert "Traceback" not in done.stderr


def test_standalone_says_in_one_line_when_the_db_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "shop.sqlite3").write_text("not a database, and long enough to be read as one\n")
    env = {**os.environ, "API_USERNAME": "alice", "API_PASSWORD": "correct-horse-battery"}
    done = subprocess.run(
        [sys.executable, "-m", "demo_api", "--port", "0", "--db", str(tmp_path / "shop.sqlite3")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"python -m demo_api: error: cannot use the database {tmp_path / 'shop.sqlite3'}:"
        " file is not a database"
    )
