"""Report data of a run (a "blob", as Playwright calls it) and the merge of the shards' blobs.

A shard (``--shard I/N``) writes its scenario records, step catalog, feature sources and extra
report sections as one JSON file. The merge reads records, never HTML: it joins the shards'
records into one document and renders it as a serial run would (one living-docs HTML, one
Markdown summary, one Cucumber Messages NDJSON whose sources and pickles appear once each and
whose ids are generated afresh, so unique), and joins the shards' JUnit XML files into one::

    python -m reporting.merge shard-1/ shard-2/ shard-3/ shard-4/ --out merged/

Each directory is searched (recursively) for blobs (``*.json`` with ``"format":
"api-bdd-report-data/2"``) and JUnit files (``*.xml`` whose root is ``testsuites`` or
``testsuite``). A missing, doubled, corrupt or foreign shard is refused in one line, exit
status 2 (see :mod:`reporting.merge_check`); ``--allow-partial`` merges without the missing
shards and every output says at its top which. A shard's JUnit file names its shard (a
property), so the JUnit output holds exactly the shards the summary counts. No pytest import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from junitparser import JUnitXml, JUnitXmlError, TestSuite

from reporting.document import build_document
from reporting.history import DEFAULT_PATH
from reporting.hookspecs import ReportSection
from reporting.html import render_html
from reporting.markdown import render_markdown
from reporting.merge_check import FORMAT, Blob, MergeError, check_shards, read_blob
from reporting.messages import render_messages
from reporting.record_types import ScenarioRecord

__all__ = ["FORMAT", "MergeError", "blob", "main", "merge"]


def blob(
    document_records: list[ScenarioRecord],
    catalog: list[dict[str, Any]],
    sources: dict[str, str],
    sections: list[ReportSection],
    *,
    started: float,
    finished: float,
    base_url: str,
    shard: dict[str, Any] | None,
    history: dict[str, Any] | None = None,
    run: dict[str, Any] | None = None,
    operations: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """A run's report data; ``shard``: index, total, run, files and collection (or None);
    ``run``: what the page's header says (profile, auth, commit...); ``operations``: the OpenAPI
    operations per scenario id (None: the profile names no document)."""
    return {
        "format": FORMAT,
        "shard": shard,
        "started": started,
        "finished": finished,
        "base_url": base_url,
        "records": document_records,
        "catalog": catalog,
        "sources": sources,
        "sections": list(sections),
        "history": history,  # what the merge appends to the run history (profile, commit...)
        "run": run,
        "operations": operations,
    }


def read_blobs(paths: Iterable[Path]) -> list[Blob]:
    """Our report data among ``paths``, by shard; MergeError for a file of ours gone bad."""
    blobs = [found for found in map(read_blob, paths) if found is not None]
    return sorted(
        blobs, key=lambda b: (b.shard["index"] if b.shard else 0, b.data["started"], b.path)
    )


def merge_catalogs(catalogs: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One entry per (function, pattern); uses add up (each shard counted its own files)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for catalog in catalogs:
        for entry in catalog:
            key = (entry["function"], entry["pattern"])
            if key in merged:
                merged[key]["uses"] += entry["uses"]
            else:
                merged[key] = dict(entry)
    return sorted(merged.values(), key=lambda e: (e["type"], e["pattern"]))


def merge_sections(blobs: list[dict[str, Any]]) -> list[ReportSection]:
    """Sections by id; one that differs between shards is kept once per shard, named so."""
    out: list[ReportSection] = []
    seen: dict[str, ReportSection] = {}
    for data in blobs:
        for section in data["sections"]:
            first = seen.setdefault(section["id"], section)
            if first is section:
                out.append(section)
            elif first != section:
                renamed: ReportSection = {
                    "id": f"{section['id']}-{len(out)}",
                    "title": f"{section['title']} (shard {_label(data['shard'])})",
                    "html": section["html"],
                    "markdown": section["markdown"],
                    "properties": section["properties"],
                }
                if "tab" in section:
                    renamed["tab"] = section["tab"]
                out.append(renamed)
    return out


def _label(shard: dict[str, Any] | None) -> str:
    return "-" if shard is None else f"{shard['index']}/{shard['total']}"


def merged_records(blobs: list[dict[str, Any]]) -> list[ScenarioRecord]:
    """Every shard's records (checked by :mod:`reporting.merge_check`), the last one of an id."""
    records: dict[str, ScenarioRecord] = {}
    for data in blobs:
        for record in data["records"]:
            records[record["id"]] = record
    return list(records.values())


def merged_document(blobs: list[dict[str, Any]], notices: list[str]) -> dict[str, Any]:
    """The merged run's document: every shard's scenarios, the first shard's header facts, and
    the operations each scenario exercised (when the shards had a document)."""
    records = merged_records(blobs)
    run = next((b["run"] for b in blobs if b.get("run")), None)
    operations: dict[str, list[str]] | None = None
    for data in blobs:
        if data.get("operations") is not None:
            operations = {**(operations or {}), **data["operations"]}
    started = min((b["started"] for b in blobs), default=0.0)
    finished = max((b["finished"] for b in blobs), default=started)
    base_urls = sorted({b["base_url"] for b in blobs})
    return build_document(
        records,
        merge_catalogs(b["catalog"] for b in blobs),
        generated_at=datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        base_url=", ".join(base_urls),
        duration=finished - started,
        notices=notices,
        run=run,
        operations=operations,
    )


def _junit_suites(path: Path) -> list[TestSuite] | None:
    """The test suites of a JUnit file; None when it is some other XML file; MergeError for a
    JUnit file cut off or corrupt (its tests would be missing from the merged file)."""
    try:
        xml = JUnitXml.fromfile(str(path))
    except (JUnitXmlError, SyntaxError, ValueError) as err:
        with path.open("rb") as head:
            start = head.read(512)
        if b"<testsuite" in start:
            raise MergeError(f"{path}: corrupt JUnit file ({err})") from None
        return None
    return list(xml) if isinstance(xml, JUnitXml) else [xml]


def _junit_shard(suites: list[TestSuite]) -> tuple[str, str] | None:
    """(shard, run) that a shard's JUnit file names in its suites' properties, or None."""
    for suite in suites:
        found = {p.name: p.value for p in suite.properties()}  # type: ignore[no-untyped-call]
        if "api-bdd.shard" in found:
            return str(found["api-bdd.shard"]), str(found.get("api-bdd.run") or "")
    return None


def merge_junit(paths: Iterable[Path], out: Path, blobs: list[Blob], notices: list[str]) -> int:
    """The suites of the JUnit files of the shards merged (no more: the JUnit output counts
    what the summary counts) under one ``<testsuites>``; returns the count of suites."""
    shards = {b.label(): b for b in blobs if b.shard is not None}
    merged = JUnitXml()
    if notices:  # first, so a reader of the XML sees it before any test
        merged.add_testsuite(_notice_suite(notices))
    seen: dict[str, Path] = {}
    count = 0
    for path in paths:
        suites = _junit_suites(path)
        if suites is None:
            continue  # an XML file that is not a JUnit report
        if shards and not _junit_of_a_merged_shard(path, suites, shards, seen):
            continue
        for suite in suites:
            merged.add_testsuite(suite)
            count += 1
    if count or notices:
        merged.write(str(out), pretty=True)
    return count


def _junit_of_a_merged_shard(
    path: Path, suites: list[TestSuite], shards: dict[str, Blob], seen: dict[str, Path]
) -> bool:
    """Whether a JUnit file belongs to a shard being merged; MergeError when it cannot."""
    named = _junit_shard(suites)
    if named is None:
        raise MergeError(f"{path}: a JUnit file that names no shard (no api-bdd.shard property)")
    label, run = named
    if label in seen:
        raise MergeError(f"{path}: JUnit file of shard {label} again (also {seen[label]})")
    seen[label] = path
    total = next(iter(shards.values())).data["shard"]["total"]
    if not label.endswith(f"/{total}"):
        raise MergeError(f"{path}: JUnit file of shard {label}, but the shards are of {total}")
    blob = shards.get(label)
    if blob is None:
        return False  # a missing shard's (its report data is not here): left out, as it is
    if run != (blob.data["shard"]["run"] or ""):
        raise MergeError(f"{path}: JUnit file of run {run!r}, but {blob.path} is of another run")
    return True


def _notice_suite(notices: list[str]) -> TestSuite:
    suite = TestSuite("api-bdd: partial merge")
    for number, notice in enumerate(notices, 1):
        suite.add_property(f"api-bdd.notice.{number}", notice)
    return suite


def merge(
    dirs: list[Path],
    out: Path,
    *,
    allow_partial: bool = False,
    history: Path | None = None,
    keep: int = 200,
) -> list[Path]:
    """Merge the shards found under ``dirs`` into ``out``, appending the merged run to the
    run history at ``history`` (None: none); the files written."""
    files = sorted(p for d in dirs for p in d.rglob("*") if p.is_file())
    blobs = read_blobs(p for p in files if p.suffix == ".json")
    if not blobs:
        raise MergeError(f"no api-bdd report data (*.json) under {', '.join(map(str, dirs))}")
    notices = check_shards(blobs, allow_partial=allow_partial)
    data = [b.data for b in blobs]
    out.mkdir(parents=True, exist_ok=True)
    document = merged_document(data, notices)
    sections = merge_sections(data)
    if history is not None:  # the shards appended nothing: the merged run is appended once
        from reporting.history_view import append_merged

        sections += append_merged(data, merged_records(data), history, keep)
    sources: dict[str, str] = {}
    for one in data:
        sources.update(one["sources"])
    junit = out / "junit.xml"
    xml = [p for p in files if p.suffix == ".xml" and p != junit]
    written = []
    wrote_junit = merge_junit(xml, junit, blobs, notices)  # first: it may refuse a file
    for name, text in (
        ("living-docs.html", render_html(document, sections)),
        ("summary.md", render_markdown(document, "living-docs.html", sections)),
        ("run.ndjson", render_messages(document, sources, data[0]["started"])),
    ):
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    if wrote_junit or notices:
        written.append(junit)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reporting.merge",
        description="Merge the report data of shards (--shard I/N) into one living-docs HTML,"
        " Markdown summary, Cucumber Messages NDJSON and JUnit XML.",
    )
    parser.add_argument("dirs", nargs="+", type=Path, metavar="SHARD_DIR")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="merge even when shards are missing; every output then says which",
    )
    parser.add_argument(
        "--history",
        type=Path,
        default=Path(DEFAULT_PATH),
        metavar="PATH",
        help=f"the run history the merged run is appended to (default {DEFAULT_PATH})",
    )
    parser.add_argument("--no-history", action="store_true", help="keep no run history")
    parser.add_argument("--history-keep", type=int, default=200, metavar="N")
    args = parser.parse_args(argv)
    if args.history_keep < 1:
        parser.error(f"--history-keep must be at least 1, not {args.history_keep}")
    missing = [str(d) for d in args.dirs if not d.is_dir()]
    if missing:
        parser.error(f"not a directory: {', '.join(missing)}")
    try:
        paths = merge(
            args.dirs,
            args.out,
            allow_partial=args.allow_partial,
            history=None if args.no_history else args.history,
            keep=args.history_keep,
        )
    except MergeError as err:
        print(f"api-bdd merge: error: {err}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"api-bdd: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
