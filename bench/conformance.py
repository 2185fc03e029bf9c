"""pytest plugin for ``bench.breaking``: every response a scenario receives is checked against
the profile's OpenAPI document (the shop's committed one when the profile names none), in the
mode ``--conformance`` (``API_CONFORMANCE``) gives, default ``fail``.

It answers ``pytest_api_bdd_response_checks`` as the suite's own conformance plugin will, once
it is wired to the profile's ``openapi``; the bench then no longer needs it.
"""

from __future__ import annotations

from typing import Any

import pytest

from client.profiles import Profile
from models.openapi import Conformance, Mode, load_document

FALLBACK_DOCUMENT = "models/shop.openapi.json"
_CHECKER = pytest.StashKey[Conformance]()


def checker(config: pytest.Config, profile: Profile) -> Conformance:
    """One checker per process, compiled as responses arrive."""
    if _CHECKER not in config.stash:
        from steps.options import get_option  # imported late: after steps' assert rewriting

        mode: Mode = get_option(config, "api_conformance", profile.conformance) or "fail"
        document = load_document(profile.openapi or FALLBACK_DOCUMENT, config.rootpath)
        config.stash[_CHECKER] = Conformance(document, mode)
    return config.stash[_CHECKER]


def pytest_api_bdd_response_checks(config: pytest.Config, profile: Any) -> Any:
    found = checker(config, profile)
    return [found.verify] if found.mode != "off" else []
