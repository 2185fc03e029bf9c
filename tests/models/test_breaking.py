"""Breaking-change report: two versions of a document, what changed per operation, what breaks."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from models.breaking import Change, compare, main, render_text
from models.generate import ROOT
from models.openapi import load_document

SHOP = load_document("tests/suites/shop/models/shop.openapi.json", ROOT)
Edit = Callable[[dict[str, Any]], None]


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]  # type: ignore[no-any-return]


def changed(edit: Edit) -> list[Change]:
    new = copy.deepcopy(SHOP)
    edit(new)
    return compare(SHOP, new)


def rename_price(d: dict[str, Any]) -> None:
    product = schemas(d)["ProductOut"]
    product["properties"]["cost"] = product["properties"].pop("price")
    product["required"] = ["cost" if r == "price" else r for r in product["required"]]


def remove_stock(d: dict[str, Any]) -> None:
    del schemas(d)["ProductOut"]["properties"]["stock"]
    schemas(d)["ProductOut"]["required"].remove("stock")


def total_as_number(d: dict[str, Any]) -> None:
    schemas(d)["OrderOut"]["properties"]["total"] = {"type": "number"}


def nullable_email(d: dict[str, Any]) -> None:
    schemas(d)["UserOut"]["properties"]["email"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}


def optional_email(d: dict[str, Any]) -> None:
    schemas(d)["UserOut"]["required"].remove("email")


def required_note(d: dict[str, Any]) -> None:
    schemas(d)["OrderIn"]["properties"]["note"] = {"type": "string"}
    schemas(d)["OrderIn"]["required"].append("note")


def new_token_type(d: dict[str, Any]) -> None:
    schemas(d)["TokenOut"]["properties"]["token_type"] = {"enum": ["bearer", "mac"]}


def discount_added(d: dict[str, Any]) -> None:
    schemas(d)["ProductOut"]["properties"]["discount"] = {"type": "string"}


def created_becomes_200(d: dict[str, Any]) -> None:
    responses = d["paths"]["/orders"]["post"]["responses"]
    responses["200"] = responses.pop("201")


def problem_as_json(d: dict[str, Any]) -> None:
    response = d["paths"]["/orders/{order_id}"]["get"]["responses"]["404"]
    response["content"] = {"application/json": response["content"]["application/problem+json"]}


def drop_location(d: dict[str, Any]) -> None:
    del d["paths"]["/orders"]["post"]["responses"]["201"]["headers"]


def date_only(d: dict[str, Any]) -> None:
    schemas(d)["UserOut"]["properties"]["created_at"]["format"] = "date"


def drop_health(d: dict[str, Any]) -> None:
    del d["paths"]["/health"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            rename_price,
            (
                "GET /products/{product_id}",
                "field renamed",
                "200 application/json",
                "price is now cost",
                True,
            ),
        ),
        (
            remove_stock,
            (
                "GET /products/{product_id}",
                "field removed",
                "200 application/json",
                "stock removed",
                True,
            ),
        ),
        (
            total_as_number,
            (
                "GET /orders/{order_id}",
                "type changed",
                "200 application/json",
                "total: type string became number",
                True,
            ),
        ),
        (
            nullable_email,
            (
                "GET /users/me",
                "became nullable",
                "200 application/json",
                "email may now be null",
                True,
            ),
        ),
        (
            optional_email,
            (
                "GET /users/me",
                "became optional",
                "200 application/json",
                "email may now be missing",
                True,
            ),
        ),
        (
            required_note,
            (
                "POST /orders",
                "field added",
                "request application/json",
                "note added (required)",
                True,
            ),
        ),
        (
            new_token_type,
            (
                "POST /auth/token",
                "enum value added",
                "200 application/json",
                "token_type: new value 'mac'",
                True,
            ),
        ),
        (
            discount_added,
            (
                "GET /products/{product_id}",
                "field added",
                "200 application/json",
                "discount added",
                True,
            ),
        ),
        (created_becomes_200, ("POST /orders", "status added", "200", "new status 200", True)),
        (
            created_becomes_200,
            ("POST /orders", "status removed", "201", "status 201 no longer declared", True),
        ),
        (
            problem_as_json,
            (
                "GET /orders/{order_id}",
                "content type changed",
                "404",
                "application/problem+json became application/json",
                True,
            ),
        ),
        (drop_location, ("POST /orders", "header removed", "201", "header Location removed", True)),
        (
            date_only,
            (
                "GET /users/me",
                "format changed",
                "200 application/json",
                "created_at: format date-time became date",
                True,
            ),
        ),
        (drop_health, ("GET /health", "operation removed", "", "operation removed", True)),
    ],
)
def test_each_kind_of_change_is_named_with_its_operation(
    edit: Edit, expected: tuple[str, str, str, str, bool]
) -> None:
    assert Change(*expected) in changed(edit)


def test_changes_that_do_not_break_a_client_are_listed_as_such() -> None:
    def harmless(d: dict[str, Any]) -> None:
        del d["paths"]["/orders"]["post"]["responses"]["409"]  # an error it no longer answers
        schemas(d)["OrderIn"]["properties"]["note"] = {"type": "string"}  # optional input
        d["paths"]["/ping"] = d["paths"]["/health"]

    assert [(c.kind, c.breaking) for c in changed(harmless)] == [
        ("status removed", False),
        ("field added", False),
        ("operation added", False),
    ]


def test_the_same_document_has_no_changes() -> None:
    assert compare(SHOP, copy.deepcopy(SHOP)) == []
    assert render_text([]) == "no changes"


def test_openapi_3_0_nullable_is_understood() -> None:
    def doc(nullable: bool) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"tag": {"type": "string", "nullable": nullable}}}
        response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        return {"openapi": "3.0.3", "paths": {"/pets": {"get": {"responses": {"200": response}}}}}

    assert compare(doc(False), doc(True)) == [
        Change("GET /pets", "became nullable", "200 application/json", "tag may now be null", True)
    ]


def test_the_text_report_groups_by_operation_and_ends_with_totals() -> None:
    text = render_text(changed(total_as_number))
    assert text.splitlines() == [
        "POST /orders",
        "  BREAKING 201 application/json: total: type string became number",
        "GET /orders",
        "  BREAKING 200 application/json: items[].total: type string became number",
        "GET /orders/{order_id}",
        "  BREAKING 200 application/json: total: type string became number",
        "3 changes, 3 breaking",
    ]


def test_the_command_exits_1_on_breaking_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = copy.deepcopy(SHOP)
    remove_stock(new)
    (tmp_path / "old.json").write_text(json.dumps(SHOP))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert main(["old.json", "new.json"], root=tmp_path) == 1
    assert capsys.readouterr().out.endswith("3 changes, 3 breaking\n")
    assert main(["old.json", "old.json"], root=tmp_path) == 0


def test_the_command_compares_a_profile_with_its_live_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.api-bdd.profiles.shop]\nopenapi = "old.json"\nbase_url = "embedded:shop"\n'
    )
    (tmp_path / "old.json").write_text(json.dumps(SHOP))
    (tmp_path / "live.json").write_text(json.dumps(SHOP))
    assert main(["--api", "shop", "--live", "live.json"], root=tmp_path) == 0
    assert main(["--api", "shop"], root=tmp_path) == 2
    assert capsys.readouterr().err == (
        "python -m models.breaking: error: profile 'shop' has no http base_url: give --live URL\n"
    )


def test_an_unreadable_document_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["missing.json", "missing.json"], root=tmp_path) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "python -m models.breaking: error: cannot read the OpenAPI document missing.json"
    )
    assert len(err.splitlines()) == 1
