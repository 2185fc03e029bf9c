"""What the living documentation's header says about the run, from the steps' side.

The profile is the steps plugin's (``profile_of``); the OpenAPI document is the one
``steps.contracts`` read at configure time. Nothing here is secret: the auth scheme's name,
never a credential, and a base URL that the profile loader already refused with userinfo.
"""

from __future__ import annotations

from typing import Any

import pytest

from steps.contracts import DOCUMENT
from steps.fixtures import profile_of


def pytest_api_bdd_run_description(config: pytest.Config) -> dict[str, Any] | None:
    profile = profile_of(config)
    document = config.stash.get(DOCUMENT, None) or {}
    info: dict[str, Any] = document.get("info") or {}
    if not isinstance(info, dict):
        info = {}
    version = info.get("version")
    title = info.get("title")
    return {
        "profile": profile.name,
        "description": profile.description,
        "base_url": profile.base_url,
        "embedded": profile.embedded,
        "auth": profile.auth.scheme,
        "features": list(profile.features),
        "api_version": None if version is None else str(version),
        "api_title": None if title is None else str(title),
    }
