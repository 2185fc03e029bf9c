"""pytest's and pluggy's private names that reporting uses, each behind one small function.

pytest offers no public way to add a JUnit testsuite property once the run is over, and
pluggy none to wrap the writer of its hook-call trace (``--debug``). Each private name is
read here and nowhere else in ``reporting``; ``tests/test_private_names.py`` has a test per
name that names it when an upgrade removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def junit_writer(config: pytest.Config) -> Any:
    """pytest's JUnit writer (``_pytest.junitxml.xml_key`` in the config's stash), when
    ``--junitxml`` is on: the object ``record_testsuite_property`` uses; None otherwise."""
    from _pytest.junitxml import xml_key

    return config.stash.get(xml_key, None)


def trace_writer(root: Any) -> Callable[[str], object] | None:
    """What pluggy's root tracer writes with (its private ``_writer``), or None when it has
    no such attribute (the caller then fails closed)."""
    write: Callable[[str], object] | None = getattr(root, "_writer", None)
    return write
