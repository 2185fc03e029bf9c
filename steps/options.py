"""The api-bdd command-line options, ini keys and environment variables, in one group.

Precedence for every setting: command line > ini file > environment variable > default
(:func:`get_option`). A bad value is a ``pytest.UsageError`` before any test runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    name: str  # attribute and ini name, e.g. "api_timeout"
    flag: str  # "--api-timeout"
    env: str  # "API_TIMEOUT"
    default: Any
    kind: Callable[[str], Any]
    help: str
    metavar: str = "VALUE"


def _number(
    convert: Callable[[str], T], accept: Callable[[T], bool], expected: str
) -> Callable[[str], T]:
    """A converter from text that raises ValueError saying what was ``expected``."""

    def parse(text: str) -> T:
        try:
            value = convert(text)
        except ValueError:
            raise ValueError(expected) from None
        if not accept(value):
            raise ValueError(expected)
        return value

    return parse


_positive_float = _number(float, lambda v: 0 < v < float("inf"), "expected seconds, a number > 0")
_count = _number(int, lambda v: v >= 0, "expected a whole number >= 0")


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be true or false")


def _conformance(text: str) -> str:
    if text not in ("fail", "warn", "off"):
        raise ValueError("expected fail, warn or off")
    return text


OPTIONS = (
    Option(
        "api_profile",
        "--api",
        "API_PROFILE",
        None,
        str,
        "the API profile to test ([tool.api-bdd.profiles.NAME]; default: the file's default)",
        "NAME",
    ),
    Option(
        "api_conformance",
        "--conformance",
        "API_CONFORMANCE",
        None,
        _conformance,
        "check every response against the profile's OpenAPI document: fail, warn or off"
        " (default: the profile's setting, else fail when it names a document)",
        "MODE",
    ),
    Option(
        "api_connect_timeout",
        "--api-connect-timeout",
        "API_CONNECT_TIMEOUT",
        3.05,
        _positive_float,
        "seconds to open a connection (default 3.05)",
        "SECONDS",
    ),
    Option(
        "api_timeout",
        "--api-timeout",
        "API_TIMEOUT",
        10.0,
        _positive_float,
        "seconds to wait for the next bytes of a response (default 10)",
        "SECONDS",
    ),
    Option(
        "api_deadline",
        "--api-deadline",
        "API_DEADLINE",
        30.0,
        _positive_float,
        "seconds one request may take in all, retries and body included (default 30)",
        "SECONDS",
    ),
    Option(
        "api_retries",
        "--retries",
        "API_RETRIES",
        4,
        _count,
        "retries per request for transient failures; 0 turns retries off (default 4)",
        "N",
    ),
    Option(
        "api_trust_env",
        "--api-trust-env",
        "API_TRUST_ENV",
        False,
        _flag,
        "honour proxy and netrc settings from the environment (default: ignore them)",
    ),
    Option(
        "keep_data",
        "--keep-data",
        "API_KEEP_DATA",
        False,
        _flag,
        "leave what scenarios create (default: run their clean-up requests)",
    ),
)
_BY_NAME = {o.name: o for o in OPTIONS}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("api-bdd", "api-bdd: behaviour-driven API tests")
    group.addoption(
        "--check-features",
        action="store_true",
        help="check the features (steps, models, variables, JSON) and exit, sending no request",
    )
    for opt in OPTIONS:
        if opt.kind is _flag:  # on the command line a switch; ini and environment take a value
            group.addoption(
                opt.flag, dest=opt.name, action="store_const", const="true", help=opt.help
            )
        else:
            group.addoption(opt.flag, dest=opt.name, metavar=opt.metavar, help=opt.help)
        parser.addini(opt.name, help=f"{opt.help}; env {opt.env}", default=None)


def get_option(config: pytest.Config, name: str, fallback: Any = None) -> Any:
    """The option's value: command line > ini > environment > ``fallback`` (when not None,
    e.g. the profile's setting) > default, converted and checked."""
    opt = _BY_NAME[name]
    sources: list[tuple[str, Any]] = [
        (opt.flag, config.getoption(opt.name)),
        (f"ini key {opt.name}", config.getini(opt.name)),
        (f"environment variable {opt.env}", os.environ.get(opt.env)),
    ]
    for where, raw in sources:
        if raw is None or raw == "" or raw == []:
            continue
        try:
            return opt.kind(str(raw))
        except ValueError as err:
            raise pytest.UsageError(f"api-bdd: {where}={raw!r} is invalid: {err}") from None
    return opt.default if fallback is None else fallback


def pytest_configure(config: pytest.Config) -> None:
    for opt in OPTIONS:  # fail on a bad value now, not in the middle of the run
        get_option(config, opt.name)
