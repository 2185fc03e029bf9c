"""pytest plugin for ``bench.breaking``: every response the suite receives checked against the
shop's committed OpenAPI document, in the mode ``API_CONFORMANCE`` names (default ``fail``).

Stands in for the profile's conformance setting until the suite has it (``--conformance``);
``bench.breaking`` uses that option instead when ``pytest --help`` lists it.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from client import ApiClient
from models.generate import ROOT
from models.openapi import MODES, Conformance, load_document

DOCUMENT = "models/shop.openapi.json"
_CHECKER = pytest.StashKey[Conformance]()


def pytest_configure(config: pytest.Config) -> None:
    mode = os.environ.get("API_CONFORMANCE", "fail")
    if mode not in MODES:
        raise pytest.UsageError(f"API_CONFORMANCE must be one of {', '.join(MODES)}, not {mode!r}")
    config.stash[_CHECKER] = Conformance(load_document(DOCUMENT, ROOT), mode)


# Outermost, so the listener goes after the reporting plugin's: the exchange is on record
# before a violation fails the step.
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: Any, request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    value = yield
    if fixturedef.argname == "api_client" and isinstance(value, ApiClient):
        checker = request.config.stash[_CHECKER]
        if checker.mode != "off":
            value.add_listener(checker.verify)
    return value
