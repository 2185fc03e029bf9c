"""Pending work: scenarios the team wrote ahead of the API, tagged ``@wip`` (or ``--wip-tag``).

They run like any other; one that does not pass yet is *pending*: pytest reports it as an
expected failure (``x``, its reason starting with :data:`PENDING_REASON`), the living docs show
it as "pending" and count it apart, and the exit status ignores it. ``--strict-wip`` (ini
``strict_wip = true``) takes that away: a failing ``@wip`` scenario fails the run, for the
day the API should be there. A pending scenario that passes is reported as passed: time to
drop its tag.

pytest's own expected-failure machinery does the work (a non-strict ``xfail`` marker added at
collection), so the terminal, JUnit, xdist and the exit status all agree without a hook of
ours rewriting outcomes.
"""

from __future__ import annotations

from typing import Any

import pytest

PENDING_REASON = "pending"
DEFAULT_TAG = "wip"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd")
    group.addoption(
        "--wip-tag",
        metavar="TAG",
        default=None,
        help=f"the tag of scenarios written ahead of the API (default {DEFAULT_TAG}): shown as"
        " pending when they fail, and not counted against the run",
    )
    group.addoption(
        "--strict-wip",
        action="store_true",
        default=None,
        help="a failing scenario tagged as work in progress fails the run",
    )
    parser.addini("wip_tag", help="the tag of pending scenarios (default wip)", default=None)
    parser.addini("strict_wip", type="bool", help="see --strict-wip", default=False)


def wip_tag(config: pytest.Config) -> str:
    """The tag of pending scenarios, without its ``@``."""
    given = config.getoption("wip_tag", None) or config.getini("wip_tag") or DEFAULT_TAG
    tag = str(given).strip().removeprefix("@")
    if not tag or any(c.isspace() for c in tag):
        raise pytest.UsageError(f"api-bdd: --wip-tag {given!r}: give one tag name, like wip")
    return tag


def strict(config: pytest.Config) -> bool:
    flag = config.getoption("strict_wip", None)
    return bool(config.getini("strict_wip")) if flag is None else bool(flag)


def pytest_configure(config: pytest.Config) -> None:
    tag = wip_tag(config)  # a bad tag is a usage error before any test
    config.addinivalue_line(
        "markers", f"{tag}: written ahead of the API; failing is pending (see --strict-wip)"
    )


@pytest.hookimpl(trylast=True)  # after pytest-bdd applied the tags as markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if strict(config):
        return
    tag = wip_tag(config)
    # strict=False whatever xfail_strict says: a pending scenario that passes is fine
    mark = pytest.mark.xfail(
        strict=False, reason=f"{PENDING_REASON} (@{tag}): written ahead of the API"
    )
    for item in items:
        if item.get_closest_marker(tag) is not None:
            item.add_marker(mark)


def is_pending(report: Any) -> bool:
    """Whether pytest reported this as a pending scenario's expected failure."""
    reason = getattr(report, "wasxfail", None)
    return isinstance(reason, str) and reason.startswith(PENDING_REASON)
