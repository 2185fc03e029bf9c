"""Steps for the run-history sample: the run number comes from HISTORY_RUN."""

from __future__ import annotations

import os

from pytest_bdd import given, parsers, then


@given("the sky is blue")
def the_sky_is_blue() -> None:
    """Always true."""


@then("this is not the second run")
def not_the_second_run() -> None:
    """Fails when HISTORY_RUN is 2."""
    assert os.environ.get("HISTORY_RUN") != "2", "the second run fails on purpose"


@given(parsers.parse("{count:d} apples"))
def apples(count: int) -> None:
    """Any number of apples."""
    assert count > 0
