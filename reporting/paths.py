"""Can a report be written at this path? Asked at start-up, so the answer comes before any test.

The question is answered the way the writer will go about it (``livingdocs._write``): missing
folders are made, a regular file (or none yet) is written beside itself in its folder and moved
into place, anything else (a symlink, a device) is written into. Permission bits are not
trusted: root passes every ``os.access`` check, yet cannot write under ``/proc``, ``/sys`` or a
read-only mount, so the nearest existing folder is probed with a temporary file (removed at
once). Nothing else is created: a missing folder is only looked for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def why_unwritable(path: Path) -> str | None:
    """Why a report cannot be written at ``path``, or None when it can."""
    try:
        return _why(path)
    except ValueError as err:  # an embedded NUL byte
        return str(err)
    except OSError as err:  # a name too long, a loop of symlinks, a folder we may not read
        return _reason(err)


def _why(path: Path) -> str | None:
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.lexists(path):
            return _why_no_new_file(path.parent)
        target = os.readlink(path)  # written into: the file is made where the link points,
        folder = (path.parent / target).parent  # in a folder that must be there already
        problem = _probe(folder) if os.path.isdir(folder) else f"{folder} does not exist"
        return None if problem is None else f"it is a symlink to {target}: {problem}"
    if stat.S_ISDIR(status.st_mode):
        return "it is a directory"
    if stat.S_ISFIFO(status.st_mode):
        return None  # opened for writing only at the end: a reader may come by then
    if stat.S_ISREG(os.lstat(path).st_mode) and _why_no_new_file(path.parent) is None:
        return None  # written beside itself, then moved into place
    with open(path, "ab"):  # written into: opening it to append changes nothing
        return None


def _why_no_new_file(folder: Path) -> str | None:
    """Why no file can be made in ``folder`` (made first, with its missing parents)."""
    existing = folder
    while True:
        try:
            status = os.stat(existing)
            break
        except (FileNotFoundError, NotADirectoryError):
            if os.path.lexists(existing):
                return f"{existing} is a symlink to {os.readlink(existing)}, which does not exist"
            existing = existing.parent
    if not stat.S_ISDIR(status.st_mode):
        return f"{existing} is not a directory"
    _check_names(folder, existing)
    return _probe(existing)


def _probe(folder: Path) -> str | None:
    """Why ``folder`` (which exists) takes no new file: one made and removed at once."""
    try:
        handle, name = tempfile.mkstemp(prefix=".api-bdd-probe.", dir=folder)
    except OSError as err:
        return f"{folder} takes no new file ({_reason(err)})"
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _check_names(folder: Path, existing: Path) -> None:
    """Raise ENAMETOOLONG for a folder still to be made whose name the file system refuses."""
    limit = os.pathconf(existing, "PC_NAME_MAX")
    for part in folder.relative_to(existing).parts:
        if len(os.fsencode(part)) > limit:
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))


def _reason(err: OSError) -> str:
    return err.strerror or str(err)
