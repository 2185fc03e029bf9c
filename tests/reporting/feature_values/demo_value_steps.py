"""A step that only records what the feature wrote: no request, so no credential is learned."""

from __future__ import annotations

from pytest_bdd import given, parsers


@given(parsers.parse('the client would send "{header}"'))
def would_send(header: str) -> None:
    """Nothing to do: the step text is the evidence."""
    assert header
