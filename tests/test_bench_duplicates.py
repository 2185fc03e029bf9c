"""The duplicates bench: against an API that ignores idempotency keys and loses answers after
committing, a profile that declares no key creates no duplicate that no failure admits."""

from __future__ import annotations

from bench.duplicates import PROFILES, run


def test_a_profile_without_a_declared_key_creates_no_silent_duplicate() -> None:
    result = run(PROFILES["declared-none"], posts=60, rate=0.2, seed=3)
    assert result["said"] > 0  # answers were lost, and each failure said so
    assert result["duplicates"] == 0
    assert result["created"] == result["answered"] + result["said"]


def test_a_profile_claiming_a_key_the_api_ignores_creates_silent_duplicates() -> None:
    result = run(PROFILES["key-assumed"], posts=60, rate=0.2, seed=3)
    assert result["silent"] > 0
