"""Steps for the sample feature that the shop's step library does not have."""

from __future__ import annotations

from pytest_bdd import given


@given("these notes:")
def these_notes(datatable: list[list[str]]) -> None:
    """A data table, read and checked."""
    assert datatable[0] == ["kind", "text"]


@given("this letter:")
def this_letter(docstring: str) -> None:
    """A doc string, read and checked."""
    assert docstring.startswith("Dear shop")


@given("a step no feature uses")
def unused_step() -> None:
    """Listed in the catalog as unused."""
