"""A JSON path that selects nothing is said so, with the shape of what holds it."""

from __future__ import annotations

import pytest

from steps.expect import is_missing, nothing_there, select
from tests.steps.test_any_api import echo, write

__all__ = ["echo"]


def test_an_index_past_the_end_of_a_list_selects_nothing_not_null() -> None:
    assert is_missing(select([], "[0]"))
    assert is_missing(select({"items": [1]}, "items[1]"))
    assert select({"items": [None]}, "items[0]") is None
    assert select({"items": [1, 2]}, "items[-1]") == 2


def test_nothing_there_names_the_path_and_the_shape_of_its_holder() -> None:
    assert nothing_there([], "[0]") == "[0]: nothing there (the body is an empty list)"
    assert nothing_there({"a": {"b": 1}}, "a.c") == "a.c: nothing there (a is an object with b)"


def test_a_model_check_of_a_path_that_selects_nothing_says_nothing_is_there(
    echo: pytest.Pytester,
) -> None:
    write(
        echo,
        "empty.feature",
        """
        Feature: Empty
          Scenario: The first of no items
            When I POST /anything with JSON:
              \"\"\"
              []
              \"\"\"
            Then the response JSON at json[0] matches the "Item" model
        """,
    )
    (echo.path / "item.schema.json").write_text('{"$defs": {"Item": {"type": "object"}}}')
    path = echo.path / "pyproject.toml"
    path.write_text(path.read_text() + 'json_schema = "item.schema.json"\n')
    result = echo.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "AssertionError: POST http://127.0.0.1:*/anything -> 200: the response JSON at"
            " json[[]0]: nothing there (json is an empty list)"  # [[] is fnmatch for [
        ]
    )
    assert "does not match" not in result.stdout.str()
