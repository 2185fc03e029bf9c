"""Step definitions for the Cucumber Compatibility Kit cases that apply to api-bdd."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when


@pytest.fixture
def world() -> dict[str, Any]:
    return {}


@given(parsers.parse("I have {count:d} cukes in my belly"))
def cukes(count: int) -> None:
    """minimal"""


@when("the following table is transposed:", target_fixture="transposed")
def transpose(datatable: list[list[str]]) -> list[list[str]]:
    return [list(row) for row in zip(*datatable, strict=True)]


@then("it should be:")
def should_be(transposed: list[list[str]], datatable: list[list[str]]) -> None:
    assert transposed == datatable


@given("a doc string:")
def a_doc_string(docstring: str) -> None:
    assert docstring


@given(parsers.parse("there are {count:d} cucumbers"))
def cucumbers(world: dict[str, Any], count: int) -> None:
    world["cucumbers"] = count


@given(parsers.parse("there are {count:d} friends"))
def friends(world: dict[str, Any], count: int) -> None:
    world["friends"] = count


@when(parsers.parse("I eat {count:d} cucumbers"))
def eat(world: dict[str, Any], count: int) -> None:
    world["cucumbers"] -= count


@then(parsers.parse("I should have {count:d} cucumbers"))
def should_have(world: dict[str, Any], count: int) -> None:
    assert world["cucumbers"] == count


@then(parsers.parse("each person can eat {count:d} cucumbers"))
def each_can_eat(world: dict[str, Any], count: int) -> None:
    assert world["cucumbers"] // (world["friends"] + 1) == count


@given(parsers.parse("the customer has {cents:d} cents"))
def customer_has(world: dict[str, Any], cents: int) -> None:
    world["money"] = cents


@given("there are chocolate bars in stock")
def in_stock(world: dict[str, Any]) -> None:
    world["stock"] = ["Mars"]


@given("there are no chocolate bars in stock")
def out_of_stock(world: dict[str, Any]) -> None:
    world["stock"] = []


@when(parsers.parse("the customer tries to buy a {cents:d} cent chocolate bar"))
def buy(world: dict[str, Any], cents: int) -> None:
    if world["money"] >= cents and world["stock"]:
        world["chocolate"] = world["stock"].pop()


@then("the sale should not happen")
def no_sale(world: dict[str, Any]) -> None:
    assert "chocolate" not in world


@then("the sale should happen")
def sale(world: dict[str, Any]) -> None:
    assert "chocolate" in world


@given("a step that does not skip")
def does_not_skip() -> None:
    """skipped"""


@given("I skip a step")
def skip_a_step() -> None:
    pytest.skip("skipped from a step")


@given("a step that is skipped")
def is_skipped() -> None:
    raise AssertionError("must not run")


@given("an implemented step")
def implemented() -> None:
    """undefined"""


@given("a step that will be skipped")
def will_be_skipped() -> None:
    raise AssertionError("must not run")
