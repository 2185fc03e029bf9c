"""pytest's private names that the steps use, each behind one small function or class.

pytest offers no public way to build a test module from something other than a Python file,
nor to list the fixtures visible to an item (pytest-bdd's own ``compat`` functions take the
fixture manager). Each private name is read here and nowhere else in ``steps``, and
``tests/test_private_names.py`` has a test per name that names it when an upgrade removes it.
"""

from __future__ import annotations

import types
from typing import Any

import pytest


def fixture_manager(session: pytest.Session) -> Any:
    """pytest's fixture manager (``Session._fixturemanager``), for pytest-bdd's ``compat``."""
    return session._fixturemanager


class BuiltModule(pytest.Module):
    """A test module whose object is built by :meth:`build` rather than imported from a file
    (pytest reads a module's object through its private ``_getobj``)."""

    def build(self) -> types.ModuleType:
        raise NotImplementedError(f"{type(self).__name__} builds its module in build()")

    def _getobj(self) -> types.ModuleType:
        return self.build()
