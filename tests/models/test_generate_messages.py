"""``make models`` (``python -m models.generate --api NAME``) says which setting is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.generate import main


def test_make_models_says_which_models_setting_to_add_when_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api-bdd.toml").write_text(
        '[profiles.pet-store]\nbase_url = "http://127.0.0.1:4010"\nopenapi = "petstore.yaml"\n'
    )
    assert main(["--api", "pet-store"], root=tmp_path) == 2
    assert capsys.readouterr().err.strip() == (
        "python -m models.generate: error: profile 'pet-store' names no 'models' module to"
        ' generate into: add models = "models.pet_store" to [profiles.pet-store] in api-bdd.toml'
    )


def test_make_models_says_which_openapi_setting_to_add_when_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.api-bdd.profiles.pets]\nbase_url = "http://127.0.0.1:4010"\n'
    )
    assert main(["--api", "pets"], root=tmp_path) == 2
    assert capsys.readouterr().err.strip() == (
        "python -m models.generate: error: profile 'pets' names no 'openapi' document: add"
        ' openapi = "path/to/openapi.yaml" (a file or a URL) to [tool.api-bdd.profiles.pets]'
        " in pyproject.toml"
    )
