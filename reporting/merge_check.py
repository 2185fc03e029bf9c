"""What the merge refuses: the checks on the shards' report data and JUnit files.

A merge that quietly drops a shard reports a quarter of the scenarios as the whole run, so
each of these is one line naming the file, and exit status 2: a corrupt or unreadable file of
ours, report data from another api-bdd version, two files of the same shard, shards of
different totals, of different runs (``API_RUN_ID`` or the CI's run id) or cut from a
different selection of feature files (other code, ``-k``, ``-m``), and a missing shard. With
``allow_partial`` a missing shard is a notice instead, which every output puts at its top.
No pytest import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reporting.shard import assign

FORMAT = "api-bdd-report-data/2"
_FORMAT_PREFIX = "api-bdd-report-data/"


class MergeError(Exception):
    """The merge refuses the shards it was given: one line, naming the file."""


@dataclass(frozen=True)
class Blob:
    """One shard's report data, and the file it came from."""

    path: Path
    data: dict[str, Any]

    @property
    def shard(self) -> dict[str, Any] | None:
        return self.data["shard"]  # type: ignore[no-any-return]

    def label(self) -> str:
        shard = self.shard
        return "unsharded" if shard is None else f"{shard['index']}/{shard['total']}"


def _ours(path: Path, text: str) -> bool:
    """Whether a file that is not valid JSON was meant to be report data of ours."""
    return path.name.startswith("report-data") or _FORMAT_PREFIX in text[:200]


def read_blob(path: Path) -> Blob | None:
    """The report data in ``path``; None for a file that is not ours (other JSON); MergeError
    for one of ours that is cut off, corrupt or of another version."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        if not path.name.startswith("report-data"):
            return None
        raise MergeError(f"{path}: cannot read report data: {err}") from None
    try:
        data = json.loads(text)
    except ValueError as err:
        if _ours(path, text):
            raise MergeError(f"{path}: corrupt report data (not valid JSON: {err})") from None
        return None
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith(_FORMAT_PREFIX):
        if path.name.startswith("report-data"):
            raise MergeError(f"{path}: corrupt report data (no api-bdd format marker)")
        return None
    if data["format"] != FORMAT:
        raise MergeError(
            f"{path}: report data in format {data['format']!r}, this merge reads {FORMAT!r}:"
            " merge with the api-bdd version that wrote it"
        )
    problem = _shape_problem(data)
    if problem:
        raise MergeError(f"{path}: corrupt report data ({problem})")
    return Blob(path, data)


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "records": list,
    "catalog": list,
    "sources": dict,
    "sections": list,
    "started": (int, float),
    "finished": (int, float),
    "base_url": str,
}
_SHARD_FIELDS: dict[str, type | tuple[type, ...]] = {
    "index": int,
    "total": int,
    "run": (str, type(None)),
    "files": list,
    "collection": dict,
}


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the data's shape, or None."""
    for name, kind in _FIELDS.items():
        if not isinstance(data.get(name), kind):
            return f"{name!r} missing or of the wrong type"
    for record in data["records"]:
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            return "a scenario record without an id"
    shard = data.get("shard")
    if shard is None:
        return None
    if not isinstance(shard, dict):
        return "'shard' is not an object"
    for name, kind in _SHARD_FIELDS.items():
        if not isinstance(shard.get(name), kind):
            return f"shard {name!r} missing or of the wrong type"
    if not 1 <= shard["index"] <= shard["total"]:
        return f"shard {shard['index']}/{shard['total']} is out of range"
    return None


def check_shards(blobs: list[Blob], *, allow_partial: bool) -> list[str]:
    """Refuse shards that do not make one run; the notices for missing shards (partial)."""
    unsharded = [b for b in blobs if b.shard is None]
    if unsharded and len(blobs) > 1:
        raise MergeError(
            f"{unsharded[0].path}: report data of a run without --shard cannot be merged with"
            f" other report data ({next(b.path for b in blobs if b is not unsharded[0])})"
        )
    if unsharded:
        return []
    first = blobs[0]
    seen: dict[int, Blob] = {}
    for blob in blobs:
        _same_run(first, blob)
        index = blob.data["shard"]["index"]
        if index in seen:
            raise MergeError(
                f"{blob.path}: shard {blob.label()} again (also in {seen[index].path}):"
                " keep one file per shard"
            )
        seen[index] = blob
    total = first.data["shard"]["total"]
    missing = [i for i in range(1, total + 1) if i not in seen]
    if missing and not allow_partial:
        names = ", ".join(f"{i}/{total}" for i in missing)
        raise MergeError(
            f"shard {names} missing: no report data for it among the files given"
            " (--allow-partial merges without it, and every output says so)"
        )
    return [_missing_notice(first.data["shard"], index) for index in missing]


def _same_run(first: Blob, blob: Blob) -> None:
    mine, theirs = blob.data["shard"], first.data["shard"]
    if mine["total"] != theirs["total"]:
        raise MergeError(
            f"{blob.path}: shard {blob.label()}, but {first.path} is shard {first.label()}:"
            " shards of different totals are not one run"
        )
    if mine["run"] != theirs["run"]:
        raise MergeError(
            f"{blob.path}: shard of run {mine['run']!r}, but {first.path} is of run"
            f" {theirs['run']!r}: shards of different runs"
        )
    if mine["collection"] != theirs["collection"]:
        raise MergeError(
            f"{blob.path}: this shard was cut from other feature files than {first.path}"
            " (other code, -k or -m): shards of different runs"
        )


def _missing_notice(shard: dict[str, Any], index: int) -> str:
    """``Partial report: shard 3/4 is missing: ...`` with the files it would have run."""
    collection: dict[str, int] = shard["collection"]
    owner = assign(collection, shard["total"])
    files = sorted(path for path, owned in owner.items() if owned == index)
    scenarios = sum(collection[path] for path in files)
    what = f"{', '.join(files)} ({scenarios} tests)" if files else "no feature files"
    return (
        f"Partial report: shard {index}/{shard['total']} is missing, so these are not in it:"
        f" {what}."
    )
