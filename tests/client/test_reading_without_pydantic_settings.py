"""The profiles and the environment's settings are read as pydantic-settings read them, without
importing it (issue 19: its import cost every pytest process, each xdist worker, ~25 ms)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from client import SettingsError, load_settings
from client.profiles import ProfileError, load_profiles

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("API_USERNAME", "API_PASSWORD", "API_KEY", "API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_reading_the_profiles_and_the_settings_does_not_import_pydantic_settings(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.api-bdd.profiles.shop]\nbase_url = "http://127.0.0.1:1"\n', encoding="utf-8"
    )
    code = (
        "import sys; from pathlib import Path;"
        "from client import load_settings; from client.profiles import load_profiles;"
        f"load_profiles(Path({str(tmp_path)!r})); load_settings();"
        "print(sorted(m for m in sys.modules if m.startswith('pydantic_settings')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_setting_is_read_whatever_the_case_of_its_variable_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("api_username", "alice")
    monkeypatch.setenv("Api_Key", "k-1")
    settings = load_settings(require=("username", "key"))
    assert settings.username == "alice"
    assert settings.secrets() == ["k-1"]


def test_an_empty_secret_is_kept_empty_and_not_given_to_the_redactor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("API_PASSWORD", "")
    settings = load_settings()
    assert settings.password is not None
    assert settings.password.get_secret_value() == ""
    assert settings.secrets() == []


def test_other_api_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_SOMETHING_ELSE", "x")
    assert load_settings().model_dump() == {
        "username": None,
        "password": None,
        "key": None,
        "token": None,
    }


def test_missing_settings_are_still_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match=r"^API_TOKEN is not set: export a bearer token"):
        load_settings(require=("token",))


def test_the_default_and_profiles_keys_are_matched_whatever_their_case(tmp_path: Path) -> None:
    (tmp_path / "api-bdd.toml").write_text(
        'Default = "b"\n[Profiles.a]\nbase_url = "http://127.0.0.1:1"\n'
        '[Profiles.b]\nbase_url = "http://127.0.0.1:2"\n',
        encoding="utf-8",
    )
    profiles = load_profiles(tmp_path)
    assert (profiles.default, sorted(profiles.profiles)) == ("b", ["a", "b"])


def test_an_own_file_with_a_tool_table_but_no_api_bdd_table_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "api-bdd.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    assert str(caught.value) == "api-bdd.toml: has a [tool] table but no [tool.api-bdd]"


def test_a_pyproject_without_an_api_bdd_table_brings_no_profile(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    assert load_profiles(tmp_path).default == "default"  # the implicit profile


def test_an_api_bdd_table_that_is_not_a_table_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\napi-bdd = 3\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"^pyproject.toml: \[tool.api-bdd\] must be a table$"):
        load_profiles(tmp_path)
