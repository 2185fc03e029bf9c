"""Conformance: responses checked against their operation in the document, naming no values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from models.generate import ROOT
from models.openapi import (
    Conformance,
    ConformanceError,
    ConformanceWarning,
    Violation,
    load_document,
)

DOCUMENT = load_document("tests/suites/shop/models/shop.openapi.json", ROOT)
JSON = {"Content-Type": "application/json"}
PROBLEM = {"Content-Type": "application/problem+json"}
SECRET = "sk_live_do-not-print-me-0123456789"
PRODUCT: dict[str, Any] = {
    "id": 7,
    "name": "Desk lamp",
    "price": "29.99",
    "stock": 100,
    "created_at": "2026-11-25T10:00:00.123456Z",
}
URL = "http://127.0.0.1:8000/products/7"


@pytest.fixture(scope="module")
def shop() -> Conformance:
    return Conformance(DOCUMENT)


def reasons(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.pointer, v.reason) for v in violations]


def test_a_conforming_response_has_no_violations(shop: Conformance) -> None:
    assert shop.check("GET", URL, 200, JSON, json.dumps(PRODUCT).encode()) == []


def test_violations_name_the_operation_template(shop: Conformance) -> None:
    (violation,) = shop.check("GET", URL, 200, JSON, json.dumps({**PRODUCT, "id": "7"}).encode())
    assert violation == Violation(
        "GET /products/{product_id}", "/id", "expected type integer, got string"
    )
    assert str(violation) == "GET /products/{product_id}: /id: expected type integer, got string"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stock": None}, [("/stock", "expected type integer, got null")]),
        ({"price": 29.99}, [("/price", "expected type string, got number")]),
        ({"price": "29.9"}, [("/price", r"does not match the pattern ^\d+\.\d{2}$")]),
        ({"created_at": "25/11/2026"}, [("/created_at", "not a valid date-time")]),
        ({"discount": "1.00"}, [("", "unexpected property 'discount'")]),
        ({"stock": ...}, [("", "missing required property 'stock'")]),
    ],
)
def test_body_violations_have_a_pointer_and_a_reason(
    shop: Conformance, change: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    body = {k: v for k, v in {**PRODUCT, **change}.items() if v is not ...}
    assert reasons(shop.check("GET", URL, 200, JSON, json.dumps(body).encode())) == expected


def test_pointers_reach_into_lists(shop: Conformance) -> None:
    page = {"items": [PRODUCT, {**PRODUCT, "price": "free"}], "total": 2, "limit": 20, "offset": 0}
    violations = shop.check(
        "GET", "http://h/products?limit=2", 200, JSON, json.dumps(page).encode()
    )
    assert reasons(violations) == [("/items/1/price", r"does not match the pattern ^\d+\.\d{2}$")]


def test_an_undeclared_status_is_a_violation(shop: Conformance) -> None:
    assert reasons(shop.check("GET", URL, 409, PROBLEM, b"{}")) == [
        ("", "status 409 is not declared")
    ]


def test_an_undeclared_content_type_is_a_violation(shop: Conformance) -> None:
    violations = shop.check("GET", URL, 200, {"content-type": "text/html"}, b"<p>hi</p>")
    assert reasons(violations) == [("", "content type text/html is not application/json")]


def test_an_unknown_operation_is_a_violation(shop: Conformance) -> None:
    assert reasons(shop.check("PATCH", URL, 200, JSON, b"{}")) == [
        ("", "no such operation in the document")
    ]


def test_a_missing_required_header_is_a_violation(shop: Conformance) -> None:
    order = {
        "id": 1,
        "product_id": 7,
        "quantity": 2,
        "unit_price": "29.99",
        "total": "59.98",
        "created_at": "2026-11-25T10:00:00Z",
    }
    body = json.dumps(order).encode()
    url = "http://h/orders"
    assert shop.check("POST", url, 201, {**JSON, "Location": "/orders/1"}, body) == []
    assert reasons(shop.check("POST", url, 201, JSON, body)) == [
        ("", "required header Location is missing")
    ]


def test_error_bodies_are_checked_against_the_problem_schema(shop: Conformance) -> None:
    problem = {"type": "about:blank", "title": "Not Found", "status": 404, "instance": "/x"}
    url = "http://h/orders/9"
    good = json.dumps({**problem, "detail": "order 9 not found"}).encode()
    assert shop.check("GET", url, 404, PROBLEM, good) == []
    changed = json.dumps({**problem, "message": "order 9 not found"}).encode()
    assert reasons(shop.check("GET", url, 404, PROBLEM, changed)) == [
        ("", "unexpected property 'message'"),
        ("", "missing required property 'detail'"),
    ]
    assert reasons(shop.check("GET", url, 404, JSON, good)) == [
        ("", "content type application/json is not application/problem+json")
    ]


def test_an_empty_response_where_none_is_declared_conforms(shop: Conformance) -> None:
    assert shop.check("DELETE", "http://h/orders/3", 204, {}, b"") == []


def test_a_body_that_is_not_json_is_a_violation(shop: Conformance) -> None:
    assert reasons(shop.check("GET", URL, 200, JSON, b'{"id": 7')) == [
        ("", "the body is not valid JSON (application/json)")
    ]


def test_values_are_never_echoed(shop: Conformance) -> None:
    body = {**PRODUCT, "name": {"api_key": SECRET}, "price": SECRET, SECRET[:8]: 1, "x": SECRET}
    violations = shop.check("GET", URL, 200, JSON, json.dumps(body).encode())
    assert len(violations) == 3
    assert SECRET not in repr(violations)
    with pytest.raises(ConformanceError) as caught:
        Conformance(DOCUMENT).verify(Answer(body=json.dumps(body).encode()))
    assert SECRET not in str(caught.value)


def test_the_base_path_is_stripped_before_matching() -> None:
    served = Conformance(
        {**DOCUMENT, "servers": [{"url": "https://api.example.com/v1"}]}, base_path="/v1"
    )
    assert (
        served.check("GET", "http://h/v1/products/7", 200, JSON, json.dumps(PRODUCT).encode()) == []
    )


def test_validators_are_compiled_once_per_operation_and_status() -> None:
    checker = Conformance(DOCUMENT)
    created: list[object] = []
    factory = checker._factory
    original = factory.create

    def counting(*args: Any, **kwargs: Any) -> Any:
        created.append(args)
        return original(*args, **kwargs)

    factory_spy = type("Spy", (), {"create": staticmethod(counting)})()
    checker._factory = factory_spy
    for product_id in range(30):
        url = f"http://h/products/{product_id}"
        assert checker.check("GET", url, 200, JSON, json.dumps(PRODUCT).encode()) == []
    assert len(created) == 1
    checker.check("GET", URL, 404, PROBLEM, b"{}")
    assert len(created) == 2


@dataclass
class Answer:
    """Stands in for client.Exchange."""

    body: bytes
    method: str = "GET"
    url: str = URL
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=lambda: dict(JSON))

    def describe(self) -> str:
        return f"{self.method} {self.url} -> {self.status}"


def test_fail_mode_raises_an_assertion_naming_operation_and_pointer() -> None:
    with pytest.raises(ConformanceError) as caught:
        Conformance(DOCUMENT, "fail").verify(Answer(json.dumps({**PRODUCT, "stock": "1"}).encode()))
    assert isinstance(caught.value, AssertionError)
    assert str(caught.value) == (
        f"GET {URL} -> 200: response does not conform to GET /products/{{product_id}}:"
        " /stock: expected type integer, got string"
    )


def test_warn_mode_warns_instead_of_failing() -> None:
    with pytest.warns(ConformanceWarning, match=r"/stock: expected type integer"):
        Conformance(DOCUMENT, "warn").verify(Answer(json.dumps({**PRODUCT, "stock": "1"}).encode()))


def test_off_mode_checks_nothing() -> None:
    checker = Conformance(DOCUMENT, "off")
    checker.verify(Answer(b"not json"))
    assert checker.check("GET", URL, 200, JSON, b"not json") == []


def test_an_unknown_mode_is_refused_naming_the_modes() -> None:
    with pytest.raises(ValueError, match=r"one of fail, warn, off, not 'strict'"):
        Conformance(DOCUMENT, "strict")  # type: ignore[arg-type]


def test_openapi_3_0_documents_are_read_with_their_nullable() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"tag": {"type": "string", "nullable": True}},
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    pets = Conformance(document)
    assert pets.check("GET", "http://h/pets/1", 200, JSON, b'{"tag": null}') == []
    assert reasons(pets.check("GET", "http://h/pets/1", 200, JSON, b'{"tag": 1}')) == [
        ("/tag", "expected type string, got integer")
    ]


def test_a_violation_of_the_whole_answer_reads_without_a_pointer(shop: Conformance) -> None:
    (violation,) = shop.check("GET", URL, 409, PROBLEM, b"{}")
    assert str(violation) == "GET /products/{product_id}: status 409 is not declared"


def test_an_exchange_without_a_response_is_not_checked() -> None:
    Conformance(DOCUMENT, "fail").verify(Answer(b"", status=0, headers={}))
