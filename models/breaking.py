"""``python -m models.breaking OLD NEW``: what changed between two OpenAPI documents, per
operation, and whether it breaks a client.

OLD and NEW are files or URLs; ``--api NAME`` compares the profile's committed document with
the live API's (``--live URL``, default ``<base_url>/openapi.json``). Prints one line per change
and exits 1 when any change breaks a client, 0 otherwise (2 on bad input).

:func:`compare` returns the changes as :class:`Change` records for the living documentation.
What breaks is judged from the client's side: in a response, a field removed, renamed, retyped,
made nullable or optional, a new enum value, a new status or a content type gone; in a request,
a field made required, retyped, or an enum value gone. An added response field breaks clients
that refuse unknown fields (``additionalProperties: false`` before), as strict models do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models.openapi import METHODS, DocumentError, load_document


@dataclass(frozen=True)
class Change:
    """One difference. ``where``: status and media type, then a field path (``items[].price``)."""

    operation: str
    kind: str
    where: str
    detail: str
    breaking: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        flag = "BREAKING" if self.breaking else "ok      "
        return f"  {flag} {self.where}: {self.detail}" if self.where else f"  {flag} {self.detail}"


class _Resolver:
    """Follows local ``$ref``s; a schema seen again on the same path is not walked twice."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.nullable_keyword = str(document.get("openapi", "3.1")).startswith("3.0")

    def resolve(self, schema: Any) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, Mapping) and "$ref" in schema and seen < 32:
            node: Any = self.document
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                node = node.get(part, {}) if isinstance(node, Mapping) else {}
            schema, seen = node, seen + 1
        return dict(schema) if isinstance(schema, Mapping) else {}

    def types(self, schema: dict[str, Any]) -> set[str]:
        """The JSON types a schema allows, ``null`` included (3.1 lists, anyOf, 3.0 nullable)."""
        found: set[str] = set()
        declared = schema.get("type")
        if isinstance(declared, str):
            found.add(declared)
        elif isinstance(declared, list):
            found |= {str(t) for t in declared}
        if "const" in schema and not found:
            found.add(type(schema["const"]).__name__.replace("str", "string"))
        for option in schema.get("anyOf", []) + schema.get("oneOf", []):
            found |= self.types(self.resolve(option))
        if self.nullable_keyword and schema.get("nullable"):
            found.add("null")
        return found

    def variant(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The non-null option of a nullable ``anyOf``, or the schema itself."""
        options = [self.resolve(o) for o in schema.get("anyOf", []) + schema.get("oneOf", [])]
        real = [o for o in options if o.get("type") != "null"]
        return real[0] if len(real) == 1 and len(options) == 2 else schema


def _enum(schema: dict[str, Any]) -> list[Any] | None:
    if "enum" in schema:
        return list(schema["enum"])
    return [schema["const"]] if "const" in schema else None


class _Differ:
    """Walks two schemas side by side; ``reading``: the client reads it (a response)."""

    def __init__(self, old: _Resolver, new: _Resolver, reading: bool) -> None:
        self.old, self.new, self.reading = old, new, reading

    def diff(self, a: Any, b: Any, path: str, depth: int = 0) -> Iterator[tuple[str, str, bool]]:
        if depth > 24:
            return
        old, new = self.old.variant(self.old.resolve(a)), self.new.variant(self.new.resolve(b))
        yield from self._types(self.old.resolve(a), self.new.resolve(b), path)
        yield from self._scalars(old, new, path)
        yield from self._properties(old, new, path, depth)
        if "items" in old and "items" in new:
            yield from self.diff(old["items"], new["items"], f"{path}[]", depth + 1)

    def _types(
        self, a: dict[str, Any], b: dict[str, Any], path: str
    ) -> Iterator[tuple[str, str, bool]]:
        before, after = self.old.types(a), self.new.types(b)
        if "null" in after and "null" not in before:
            yield "became nullable", f"{path or 'body'} may now be null", self.reading
        if "null" in before and "null" not in after:
            yield "no longer nullable", f"{path or 'body'} is never null", not self.reading
        before, after = before - {"null"}, after - {"null"}
        if before and after and before != after and not before <= {"integer"} <= after:
            detail = f"{path or 'body'}: type {_or(before)} became {_or(after)}"
            yield "type changed", detail, True

    def _scalars(
        self, old: dict[str, Any], new: dict[str, Any], path: str
    ) -> Iterator[tuple[str, str, bool]]:
        name = path or "body"
        for keyword in ("format", "pattern"):
            if old.get(keyword) != new.get(keyword) and new.get(keyword) is not None:
                detail = f"{name}: {keyword} {old.get(keyword)} became {new.get(keyword)}"
                yield f"{keyword} changed", detail, True
        before, after = _enum(old), _enum(new)
        if before is not None and after is not None:
            for value in (v for v in after if v not in before):
                yield "enum value added", f"{name}: new value {value!r}", self.reading
            for value in (v for v in before if v not in after):
                yield "enum value removed", f"{name}: value {value!r} gone", not self.reading

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], path: str, depth: int
    ) -> Iterator[tuple[str, str, bool]]:
        props_a, props_b = old.get("properties", {}), new.get("properties", {})
        if not (props_a or props_b):
            return
        removed = [p for p in props_a if p not in props_b]
        added = [p for p in props_b if p not in props_a]
        renamed = _renames(removed, added, props_a, props_b, self)
        for was, now in renamed.items():
            yield "field renamed", f"{_join(path, was)} is now {_join(path, now)}", True
        for name in (p for p in removed if p not in renamed):
            yield "field removed", f"{_join(path, name)} removed", self.reading
        strict = old.get("additionalProperties") is False
        for name in (p for p in added if p not in renamed.values()):
            required = name in new.get("required", [])
            breaks = (self.reading and strict) or (not self.reading and required)
            detail = f"{_join(path, name)} added" + (" (required)" if required else "")
            yield "field added", detail, breaks
        req_a, req_b = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted((req_b - req_a) & set(props_a)):
            yield "became required", f"{_join(path, name)} is now required", not self.reading
        for name in sorted((req_a - req_b) & set(props_b)):
            yield "became optional", f"{_join(path, name)} may now be missing", self.reading
        for name in (p for p in props_a if p in props_b):
            yield from self.diff(props_a[name], props_b[name], _join(path, name), depth + 1)


def _renames(
    removed: list[str],
    added: list[str],
    props_a: Mapping[str, Any],
    props_b: Mapping[str, Any],
    differ: _Differ,
) -> dict[str, str]:
    """A removed and an added field with the same schema, paired in order: a rename."""
    renamed: dict[str, str] = {}
    for was in removed:
        for now in added:
            same = differ.old.resolve(props_a[was]) == differ.new.resolve(props_b[now])
            if same and now not in renamed.values():
                renamed[was] = now
                break
    return renamed


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _or(types: set[str]) -> str:
    return " or ".join(sorted(types))


def _operations(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    }


def _responses(
    name: str, old: dict[str, Any], new: dict[str, Any], differ: _Differ
) -> Iterator[Change]:
    before, after = old.get("responses", {}), new.get("responses", {})
    for status in (s for s in after if s not in before):
        yield Change(name, "status added", status, f"new status {status}", True)
    for status in (s for s in before if s not in after):
        gone = f"status {status} no longer declared"
        yield Change(name, "status removed", status, gone, status.startswith("2"))
    for status in (s for s in before if s in after):
        a, b = differ.old.resolve(before[status]), differ.new.resolve(after[status])
        yield from _headers(name, status, a, b)
        content_a, content_b = a.get("content", {}), b.get("content", {})
        for media in (m for m in content_a if m not in content_b):
            now = ", ".join(content_b) or "no body"
            yield Change(name, "content type changed", status, f"{media} became {now}", True)
        for media in (m for m in content_a if m in content_b):
            where = f"{status} {media}"
            for kind, detail, breaking in differ.diff(
                content_a[media].get("schema", {}), content_b[media].get("schema", {}), ""
            ):
                yield Change(name, kind, where, detail, breaking)


def _headers(name: str, status: str, a: dict[str, Any], b: dict[str, Any]) -> Iterator[Change]:
    headers_a, headers_b = a.get("headers", {}), b.get("headers", {})
    for header in (h for h in headers_a if h not in headers_b):
        yield Change(name, "header removed", status, f"header {header} removed", True)
    for header in (h for h in headers_b if h not in headers_a):
        yield Change(name, "header added", status, f"header {header} added", False)


def _request(
    name: str, old: dict[str, Any], new: dict[str, Any], differ: _Differ
) -> Iterator[Change]:
    content_a = differ.old.resolve(old.get("requestBody", {})).get("content", {})
    content_b = differ.new.resolve(new.get("requestBody", {})).get("content", {})
    for media in (m for m in content_a if m in content_b):
        for kind, detail, breaking in differ.diff(
            content_a[media].get("schema", {}), content_b[media].get("schema", {}), ""
        ):
            yield Change(name, kind, f"request {media}", detail, breaking)
    for media in (m for m in content_a if m not in content_b):
        yield Change(name, "content type changed", "request", f"{media} no longer accepted", True)


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, grouped by operation in ``old``'s order."""
    resolvers = _Resolver(old), _Resolver(new)
    reading, writing = _Differ(*resolvers, reading=True), _Differ(*resolvers, reading=False)
    before, after = _operations(old), _operations(new)
    changes: list[Change] = []
    for name, operation in before.items():
        if name not in after:
            changes.append(Change(name, "operation removed", "", "operation removed", True))
            continue
        changes += _responses(name, operation, after[name], reading)
        changes += _request(name, operation, after[name], writing)
    changes += [
        Change(name, "operation added", "", "operation added", False)
        for name in after
        if name not in before
    ]
    return changes


def render_text(changes: list[Change]) -> str:
    """The terminal report: changes under their operation, then one line of totals."""
    lines: list[str] = []
    current = None
    for change in changes:
        if change.operation != current:
            current = change.operation
            lines.append(current)
        lines.append(str(change))
    breaking = sum(c.breaking for c in changes)
    lines.append(f"{len(changes)} changes, {breaking} breaking" if changes else "no changes")
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m models.breaking", description=__doc__)
    parser.add_argument("old", nargs="?", help="the earlier document: a file or URL")
    parser.add_argument("new", nargs="?", help="the later document: a file or URL")
    parser.add_argument("--api", metavar="NAME", help="the profile's committed document ...")
    parser.add_argument("--live", metavar="URL", help="... against this one")
    args = parser.parse_args(argv)
    if (args.api is None) == (args.old is None) or (args.old and args.new is None):
        parser.error("give OLD and NEW, or --api NAME")
    return args


def _sources(args: argparse.Namespace, root: Path) -> tuple[str, str]:
    if args.api is None:
        return args.old, args.new
    from models.generate import GenerateError, profile_settings

    try:
        profile = profile_settings(args.api, root)
    except GenerateError as err:
        raise DocumentError(str(err)) from None
    live = args.live
    if live is None:
        if profile.embedded is not None:
            raise DocumentError(f"profile {args.api!r} has no http base_url: give --live URL")
        live = profile.base_url + "/openapi.json"
    return str(profile.openapi), live


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    args = _parse(argv)
    root = root or Path.cwd()
    try:
        old_source, new_source = _sources(args, root)
        old, new = load_document(old_source, root), load_document(new_source, root)
    except DocumentError as err:
        print(f"python -m models.breaking: error: {err}", file=sys.stderr)
        return 2
    changes = compare(old, new)
    print(render_text(changes))
    return 1 if any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
