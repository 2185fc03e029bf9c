"""Generated models: the committed ones are a fresh generation of the demo API's own document."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from demo_api import create_app
from models import ContractError, parse
from models.generate import ROOT, main, profile_target, render
from models.openapi import dump_document, load_document
from tests.suites.shop.models.shop import Product
from tests.suites.shop.models.shop_generated import ProductOut

DOCUMENT = "tests/suites/shop/models/shop.openapi.json"
MODULE = ROOT / "tests" / "suites" / "shop" / "models" / "shop_generated.py"
REFRESH = (
    "python -m demo_api --port 8000 & then "
    'make models ARGS="--api shop --from http://127.0.0.1:8000/openapi.json"'
)


def test_the_committed_document_is_the_demo_apis_own(tmp_path: Path) -> None:
    live = create_app(tmp_path / "shop.sqlite3").openapi()
    committed = (ROOT / DOCUMENT).read_text(encoding="utf-8")
    assert dump_document(live) == committed, f"{DOCUMENT} is stale; refresh it: {REFRESH}"


def test_the_committed_models_are_a_fresh_generation() -> None:
    fresh = render(load_document(DOCUMENT, ROOT), DOCUMENT, MODULE)
    assert fresh == MODULE.read_text(encoding="utf-8"), (
        f"{MODULE.name} differs from a fresh generation: python -m models.generate"
        f" {DOCUMENT} tests/suites/shop/models/shop_generated.py"
    )


def test_generated_models_forbid_extra_fields_and_coerce_nothing() -> None:
    product = {
        "id": 7,
        "name": "Desk lamp",
        "price": "29.99",
        "stock": 100,
        "created_at": "2026-11-25T10:00:00Z",
    }
    assert parse(ProductOut, json.dumps(product)).price == "29.99"
    with pytest.raises(ContractError, match=r"field discount: Extra inputs"):
        parse(ProductOut, json.dumps({**product, "discount": "1.00"}))
    with pytest.raises(ContractError, match=r"field price: String should match pattern"):
        parse(ProductOut, json.dumps({**product, "price": "29.9"}))
    with pytest.raises(ContractError, match=r"field stock: Input should be a valid integer"):
        parse(ProductOut, json.dumps({**product, "stock": "100"}))


def test_hand_written_models_extend_generated_ones() -> None:
    assert issubclass(Product, ProductOut)
    body = b'{"id": 7, "name": "", "price": "29.99", "stock": 1, "created_at": "2026-11-25T10:00Z"}'
    assert parse(Product, body).price == Decimal("29.99")


def _project(tmp_path: Path, profile: str) -> Path:
    table = f'[tool.api-bdd.profiles.pets]\nbase_url = "http://127.0.0.1:9"\n{profile}\n'
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "pets.json").write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "pets", "version": "1"},
                "paths": {},
                "components": {
                    "schemas": {
                        "Pet": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                            "required": ["name"],
                        }
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_a_profile_gets_its_models_module_from_one_command(tmp_path: Path) -> None:
    root = _project(tmp_path, 'openapi = "api/pets.json"\nmodels = "pets_models"')
    assert main(["--api", "pets"], root=root) == 0
    written = (root / "pets_models.py").read_text(encoding="utf-8")
    assert "class Pet(StrictModel):" in written
    assert main(["--api", "pets"], root=root) == 0  # its own output is regenerated in place
    assert profile_target("pets", root).module == root / "pets_models.py"


def test_a_hand_written_models_module_gets_a_generated_one_beside_it(tmp_path: Path) -> None:
    root = _project(tmp_path, 'openapi = "api/pets.json"\nmodels = "pets_models"')
    (root / "pets_models.py").write_text('"""Hand-written."""\n', encoding="utf-8")
    assert main(["--api", "pets"], root=root) == 0
    assert (root / "pets_models.py").read_text(encoding="utf-8") == '"""Hand-written."""\n'
    assert "class Pet(StrictModel):" in (root / "pets_models_generated.py").read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--api", "nope"], "no API profile 'nope' in pyproject.toml (profiles: pets)"),
        (["missing.json", "out.py"], "cannot read the OpenAPI document missing.json: "),
        (["pyproject.toml", "out.py"], "cannot read the OpenAPI document pyproject.toml: "),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    root = _project(tmp_path, 'openapi = "api/pets.json"\nmodels = "pets_models"')
    assert main(argv, root=root) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"python -m models.generate: error: {message}")
    assert len(err.strip().splitlines()) == 1
