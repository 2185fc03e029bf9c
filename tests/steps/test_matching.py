"""Fuzzy JSON matching: markers, exact and contains modes, every mismatch with its path."""

from __future__ import annotations

import pytest

from steps.matching import check_markers, mismatches

ORDER = {
    "id": 7,
    "total": "50.00",
    "reference": "0b7e9c52-3c4e-4a57-9a4c-0d3f1f3b9a11",
    "created_at": "2026-11-26T08:00:00Z",
    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
    "note": None,
}


def test_markers_match_what_they_say() -> None:
    expected = {
        "id": "#number",
        "total": "#regex \\d+\\.\\d{2}",
        "reference": "#uuid",
        "created_at": "#date-time",
        "items": "#array",
        "note": "#null",
        "coupon": "#notpresent",
    }
    assert mismatches(ORDER, expected) == []


def test_every_mismatch_is_listed_with_its_path() -> None:
    expected = {
        "id": "#string",
        "total": "49.99",
        "reference": "#uuid",
        "created_at": "#date-time",
        "items": [{"sku": "A-1", "qty": 3}, {"sku": "#string", "qty": "#number"}],
        "note": "#notnull",
    }
    assert mismatches(ORDER, expected) == [
        "$.id: expected #string, got number 7",
        '$.total: expected "49.99", got "50.00"',
        "$.items[0].qty: expected 3, got 2",
        "$.note: expected a value, got null",
    ]


def test_exact_mode_names_unexpected_keys_and_contains_mode_allows_them() -> None:
    assert mismatches(ORDER, {"id": 7}) == [
        "$: unexpected keys created_at, items, note, reference, total"
    ]
    assert mismatches(ORDER, {"id": 7, "items": [{"sku": "B-2"}]}, contains=True) == []


def test_optional_markers_accept_absent_and_null() -> None:
    assert mismatches({"a": None}, {"a": "##string", "b": "##number"}) == []
    assert mismatches({"a": 1}, {"a": "##string"}) == ["$.a: expected ##string, got number 1"]


def test_numbers_and_booleans_are_told_apart() -> None:
    assert mismatches({"a": True}, {"a": "#number"}) == ["$.a: expected #number, got boolean True"]
    assert mismatches({"a": 1}, {"a": True}) == ["$.a: expected True, got 1"]
    assert mismatches({"a": 1.0}, {"a": 1}) == []


@pytest.mark.parametrize(
    ("expected", "problem"),
    [
        ({"a": "#strnig"}, "$.a: unknown marker '#strnig'"),
        ({"a": ["#regex ("]}, "$.a[0]: #regex '(' is not a regular expression"),
    ],
)
def test_bad_markers_are_found_before_any_request(expected: object, problem: str) -> None:
    found = list(check_markers(expected))
    assert len(found) == 1
    assert found[0].startswith(problem)
