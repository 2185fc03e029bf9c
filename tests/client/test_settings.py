"""Settings from the environment: secrets typed SecretStr, errors naming only the variable."""

from __future__ import annotations

import pytest

from client import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("API_USERNAME", "API_PASSWORD", "API_KEY", "API_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_secrets_are_read_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_USERNAME", "alice")
    monkeypatch.setenv("API_PASSWORD", "pw-never-shown-1")
    monkeypatch.setenv("API_KEY", "key-never-shown-2")
    settings = load_settings(require=("username", "password"))
    assert settings.username == "alice"
    assert settings.secrets() == ["pw-never-shown-1", "key-never-shown-2"]
    assert "never-shown" not in repr(settings) + str(settings)


def test_a_missing_variable_is_named_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_USERNAME", "alice")
    monkeypatch.setenv("API_KEY", "key-must-not-appear")
    with pytest.raises(SettingsError) as caught:
        load_settings(require=("username", "password"))
    message = str(caught.value)
    assert message.startswith("API_PASSWORD is not set: ")
    assert "key-must-not-appear" not in message
    assert "\n" not in message


def test_an_empty_value_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_USERNAME", "")
    with pytest.raises(SettingsError, match=r"^API_USERNAME is not set"):
        load_settings(require=("username",))
