"""Report data of a run (a "blob", as Playwright calls it) and the merge of the shards' blobs.

A shard (``--shard I/N``) writes its scenario records, step catalog, feature sources and extra
report sections as one JSON file. The merge reads records, never HTML: it joins the shards'
records into one document and renders it as a serial run would (one living-docs HTML, one
Markdown summary, one Cucumber Messages NDJSON whose sources and pickles appear once each and
whose ids are generated afresh, so unique), and joins the shards' JUnit XML files into one::

    python -m reporting.merge shard-1/ shard-2/ shard-3/ shard-4/ --out merged/

Each directory is searched (recursively) for blobs (``*.json`` with ``"format":
"api-bdd-report-data/1"``) and JUnit files (``*.xml`` whose root is ``testsuites`` or
``testsuite``). No pytest import.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from junitparser import JUnitXml, JUnitXmlError

from reporting.document import build_document
from reporting.hookspecs import ReportSection
from reporting.html import render_html
from reporting.markdown import render_markdown
from reporting.messages import render_messages

FORMAT = "api-bdd-report-data/1"


def blob(
    document_records: list[dict[str, Any]],
    catalog: list[dict[str, Any]],
    sources: dict[str, str],
    sections: list[ReportSection],
    *,
    started: float,
    finished: float,
    base_url: str,
    shard: str | None,
    history: dict[str, Any] | None = None,
) -> dict[str, Any]:
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
    }


def read_blobs(paths: Iterable[Path]) -> list[dict[str, Any]]:
    blobs = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # some other JSON (or not JSON at all): not ours
        if isinstance(data, dict) and data.get("format") == FORMAT:
            blobs.append(data)
    return sorted(blobs, key=lambda b: (b["shard"] or "", b["started"]))


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
                    "title": f"{section['title']} (shard {data['shard']})",
                    "html": section["html"],
                    "markdown": section["markdown"],
                    "properties": section["properties"],
                }
                out.append(renamed)
    return out


def merged_records(blobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for data in blobs:
        for record in data["records"]:
            records[record["id"]] = record
    return list(records.values())


def merged_document(blobs: list[dict[str, Any]]) -> dict[str, Any]:
    records = merged_records(blobs)
    started = min((b["started"] for b in blobs), default=0.0)
    finished = max((b["finished"] for b in blobs), default=started)
    base_urls = sorted({b["base_url"] for b in blobs})
    return build_document(
        records,
        merge_catalogs(b["catalog"] for b in blobs),
        generated_at=datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        base_url=", ".join(base_urls),
        duration=finished - started,
    )


def merge_junit(paths: Iterable[Path], out: Path) -> int:
    """Every test suite of every JUnit file under one ``<testsuites>``; returns the count."""
    merged = JUnitXml()
    count = 0
    for path in paths:
        try:
            xml = JUnitXml.fromfile(str(path))
        except (JUnitXmlError, SyntaxError, ValueError):
            continue  # an XML file that is not a JUnit report
        suites = xml if isinstance(xml, JUnitXml) else [xml]
        for suite in suites:
            merged.add_testsuite(suite)
            count += 1
    if count:
        merged.write(str(out), pretty=True)
    return count


def merge(dirs: list[Path], out: Path, history: Path | None = None, keep: int = 200) -> list[Path]:
    """Merge the shards found under ``dirs`` into ``out``, appending the merged run to the
    run history at ``history`` (None: none); the files written."""
    files = sorted(p for d in dirs for p in d.rglob("*") if p.is_file())
    blobs = read_blobs(p for p in files if p.suffix == ".json")
    if not blobs:
        raise SystemExit(f"no api-bdd report data (*.json) under {', '.join(map(str, dirs))}")
    out.mkdir(parents=True, exist_ok=True)
    document = merged_document(blobs)
    sections = merge_sections(blobs)
    if history is not None:  # the shards appended nothing: the merged run is appended once
        from reporting.history_view import append_merged

        sections += append_merged(blobs, merged_records(blobs), history, keep)
    sources: dict[str, str] = {}
    for data in blobs:
        sources.update(data["sources"])
    written = []
    for name, text in (
        ("living-docs.html", render_html(document, sections)),
        ("summary.md", render_markdown(document, "living-docs.html", sections)),
        ("run.ndjson", render_messages(document, sources, blobs[0]["started"])),
    ):
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    junit = out / "junit.xml"
    if merge_junit((p for p in files if p.suffix == ".xml" and p != junit), junit):
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
        "--history",
        type=Path,
        default=Path("reports/history.sqlite"),
        metavar="PATH",
        help="the run history the merged run is appended to (default reports/history.sqlite)",
    )
    parser.add_argument("--no-history", action="store_true", help="keep no run history")
    parser.add_argument("--history-keep", type=int, default=200, metavar="N")
    args = parser.parse_args(argv)
    if args.history_keep < 1:
        parser.error(f"--history-keep must be at least 1, not {args.history_keep}")
    missing = [str(d) for d in args.dirs if not d.is_dir()]
    if missing:
        parser.error(f"not a directory: {', '.join(missing)}")
    history = None if args.no_history else args.history
    for path in merge(args.dirs, args.out, history, args.history_keep):
        print(f"api-bdd: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
