"""The garbage collector: what lives for the whole session is moved out of its way.

Nearly every object that exists when collection starts (modules, plugins, configuration) or
that collection builds (thousands of items, parsed features) lives until the session ends.
CPython's cyclic garbage collector would still walk all of them in every full pass during the
run: ``gc.freeze()`` moves them out of its way (CPython's own advice for long-lived objects);
what the scenarios make is collected as usual. At 5,000 scenarios, a collection-only run
spends 4.6 s of CPU without it, 3.1-3.2 s with it.
The session that froze is the one that unfreezes, as its very last clean-up (after pytest's
own): a program that runs pytest (``pytest.main()``, in-process ``pytester``) gets its
collector back as it was. A collector someone else froze (the program, or the session running
this one inside a test) is left as it is: ``gc.unfreeze()`` cannot undo one freeze of several.
Last, because pytest collects garbage once more as it cleans up (to report exceptions raised in
finalizers): unfrozen before that, the collector walks every object the session still holds,
some 23 ms of CPU in every process at 120 scenarios, which every xdist worker pays as the run
ends. That pass, like the one pytest makes at unconfigure, now leaves out what was alive when
collection ended; a finalizer of such an object that raises is not reported by the session.
Unfrozen, everything still alive at exit would be walked by the interpreter's last collections
(about 1 s of CPU at 5,000 scenarios, measured; one explicit full collection costs 0.13 s):
the exit freezes it again first, which skips no finalizer Python promises (``__del__`` is not
guaranteed for objects alive at exit).
"""

from __future__ import annotations

import atexit
import functools
import gc
from collections.abc import Generator

import pytest

_FROZEN = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # first, before pytest's own plugins add theirs: clean-ups run last added, first run
    config.add_cleanup(functools.partial(_thaw, config))


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    if gc.get_freeze_count() == 0:
        session.config.stash[_FROZEN] = True
        gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_collection_finish(session: pytest.Session) -> Generator[None, None, None]:
    """Again once collection is done, and every plugin has let go of what it no longer needs."""
    try:
        return (yield)
    finally:
        if session.config.stash.get(_FROZEN, False):
            gc.freeze()


def _thaw(config: pytest.Config) -> None:
    if config.stash.get(_FROZEN, False):
        del config.stash[_FROZEN]
        gc.unfreeze()
        atexit.unregister(gc.freeze)  # once, however many sessions the process runs
        atexit.register(gc.freeze)
