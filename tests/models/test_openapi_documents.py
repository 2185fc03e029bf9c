"""Reading an OpenAPI document: YAML or JSON, from a file (absolute or not) or a URL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models.openapi import Conformance, DocumentError, load_document

PETSTORE_YAML = """\
openapi: 3.0.3
info:
  title: Petstore
  version: 2026-01-01
paths:
  /pets/{petId}:
    get:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: a pet
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"""


def test_an_openapi_document_may_be_yaml(tmp_path: Path) -> None:
    (tmp_path / "petstore.yaml").write_text(PETSTORE_YAML)
    document = load_document("petstore.yaml", root=tmp_path)
    assert list(document["paths"]["/pets/{petId}"]["get"]["responses"]) == ["200"]
    assert document["info"]["version"] == "2026-01-01"  # a date stays the text written
    checks = Conformance(document)
    body = b'{"id": 1, "name": "Rex"}'
    assert checks.check("GET", "/pets/1", 200, {"Content-Type": "application/json"}, body) == []


def test_an_absolute_file_path_is_read_as_a_file_not_fetched_from_the_api(tmp_path: Path) -> None:
    (tmp_path / "petstore.yaml").write_text(PETSTORE_YAML)
    absolute = str(tmp_path / "petstore.yaml")
    # port 9 on loopback: nothing listens, so a fetch would fail
    document = load_document(absolute, base_url="http://127.0.0.1:9")
    assert document["info"]["title"] == "Petstore"


def test_a_missing_absolute_file_is_named_as_a_file(tmp_path: Path) -> None:
    absolute = str(tmp_path / "missing.yaml")
    with pytest.raises(DocumentError) as caught:
        load_document(absolute, base_url="http://127.0.0.1:9")
    assert str(caught.value).startswith(f"cannot read the OpenAPI document {absolute}: ")
    assert "No such file" in str(caught.value)


def test_a_document_that_is_neither_json_nor_yaml_says_where(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("openapi: 3.0.3\npaths:\n  /a: [unclosed\n")
    with pytest.raises(DocumentError) as caught:
        load_document("bad.yaml", root=tmp_path)
    message = str(caught.value)
    assert message.startswith("cannot read the OpenAPI document bad.yaml: neither JSON nor YAML:")
    assert "line 4 column 1" in message
    assert "\n" not in message


def test_broken_json_keeps_its_own_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"openapi": "3.1.0",\n "paths": {,}}')
    with pytest.raises(DocumentError) as caught:
        load_document("bad.json", root=tmp_path)
    assert "line 2 column 12" in str(caught.value)


def test_a_yaml_alias_bomb_is_refused_in_one_line_without_expanding(tmp_path: Path) -> None:
    """Nested aliases ("billion laughs"): nine lines that would copy 10**9 values."""
    lines = ["openapi: 3.0.3", 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught:
        load_document("bomb.yaml", root=tmp_path)
    assert time.monotonic() - started < 2
    assert "aliases expand to more values" in str(caught.value)


def test_a_yaml_alias_inside_its_own_anchor_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text("openapi: 3.0.3\npaths: &p\n  /a: *p\n")
    with pytest.raises(DocumentError) as caught:
        load_document("loop.yaml", root=tmp_path)
    assert "refers to its own anchor" in str(caught.value)


def test_yaml_aliases_a_document_may_use_are_copied(tmp_path: Path) -> None:
    text = "openapi: 3.0.3\nx-common: &c {type: string}\nx-use: [*c, *c]\n"
    (tmp_path / "ok.yaml").write_text(text)
    assert load_document("ok.yaml", root=tmp_path)["x-use"] == [{"type": "string"}] * 2
