"""Turns on operation coverage of the shop's document, as a profile naming it will."""

from __future__ import annotations

import pytest

from models.generate import ROOT
from models.openapi import load_document
from reporting.coverage import enable


def pytest_configure(config: pytest.Config) -> None:
    enable(config, load_document("tests/suites/shop/models/shop.openapi.json", ROOT))
