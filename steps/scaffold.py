"""``make new-api``: a team's first profile and first features, written with the generic vocabulary.

``python -m steps.scaffold --name billing --base-url https://billing.example.com
[--openapi path/or/url]`` adds ``[profiles.billing]`` to ``api-bdd.toml`` (the default when it
is the only profile) and writes ``features/billing/``: a reachability scenario (``GET /``, or
the document's first GET without parameters), and with an OpenAPI document one starter scenario
per operation. A GET without path parameters runs as
written; every other operation is written out but tagged ``@wip`` (pending, see README "Living
documentation") until someone fills in its data: its path parameters are an Examples table, its
request body a JSON doc string.

It lives beside the vocabulary it writes (``I GET /path``, ``the response status is ...``) so
that a change of a phrase and of its generator are one change; the framework's tests run the
pre-flight (``--check-features``) over what it writes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client.profiles import TEAM_FILE, Profile, ProfileError, load_profiles
from models.openapi import METHODS, DocumentError, check_document, load_document

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PARAMETER = re.compile(r"\{([^{}]+)\}")
# "the API answers": anything but a server error or no answer at all
REACHABLE = "200, 204, 301, 302, 307, 308, 400, 401, 403, 404, 405"


class ScaffoldError(ValueError):
    """What is wrong with the request, in one line."""


@dataclass(frozen=True)
class Operation:
    """One operation of the document, as a starter scenario needs it."""

    method: str
    template: str
    summary: str
    status: int
    body: str | None  # the JSON doc string of a request body, None: the operation takes none

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.template)

    @property
    def active(self) -> bool:
        return self.method == "GET" and not self.parameters


def _status(responses: Mapping[str, Any]) -> int:
    """The first success the operation declares, else its first status, else 200."""
    codes = sorted(int(c) for c in responses if str(c).isdigit())
    return next((c for c in codes if 200 <= c < 300), codes[0] if codes else 200)


def _body(operation: Mapping[str, Any]) -> str | None:
    request = operation.get("requestBody")
    if not isinstance(request, Mapping):
        return None
    media = request.get("content", {}).get("application/json", {})
    example = media.get("example", media.get("schema", {}).get("example", {}))
    return json.dumps(example, indent=2)


def operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    """The document's operations in its order."""
    for template, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, Mapping):
                summary = operation.get("summary") or operation.get("operationId") or ""
                yield Operation(
                    method.upper(),
                    template,
                    " ".join(str(summary).split()),
                    _status(operation.get("responses", {})),
                    _body(operation),
                )


def _title(operation: Operation) -> str:
    said = f": {operation.summary}" if operation.summary else ""
    return f"{operation.method} {operation.template}{said}"


def starter_scenario(operation: Operation) -> str:
    """One operation's scenario: runnable when it needs no data, otherwise ``@wip``."""
    path = _PARAMETER.sub(r"<\1>", operation.template)
    keyword = "Scenario Outline" if operation.parameters else "Scenario"
    lines = [] if operation.active else ["  @wip"]
    lines.append(f"  {keyword}: {_title(operation)}")
    if operation.body is None:
        lines.append(f"    When I {operation.method} {path}")
    else:
        lines.append(f"    When I {operation.method} {path} with JSON:")
        lines += [
            '      """json',
            *(f"      {x}" for x in operation.body.splitlines()),
            '      """',
        ]
    lines.append(f"    Then the response status is {operation.status}")
    if operation.parameters:
        names = operation.parameters
        lines += ["", "    Examples:", f"      | {' | '.join(names)} |"]
        lines.append(f"      | {' | '.join('1' for _ in names)} |")
    return "\n".join(lines) + "\n"


def reachability_feature(name: str, document: Mapping[str, Any] | None = None) -> str:
    """GET / answering anything but a server error; with a document, its first GET without
    parameters answering a status it declares (an answer the document does not declare fails
    the conformance check, so / is no probe there). A document without one: ``@wip``."""
    probe, statuses, tags = "/", REACHABLE, ""
    if document is not None:
        found = next((op for op in operations(document) if op.active), None)
        if found is None:
            tags = "  @wip\n"  # someone picks the operation that shows the API is up
        else:
            probe = found.template
            declared = document["paths"][probe]["get"].get("responses", {})
            statuses = ", ".join(c for c in map(str, declared) if c.isdigit()) or "200"
    return (
        f"Feature: The {name} API is reachable\n"
        "  Its base URL answers: the profile's address, network and TLS are right.\n\n"
        f"{tags}  Scenario: The API answers\n"
        f"    When I GET {probe}\n"
        f"    Then the response status is one of {statuses}\n"
    )


def operations_feature(name: str, document: Mapping[str, Any]) -> str:
    title = document.get("info", {}).get("title") or name
    head = (
        f"Feature: The operations of {title}\n"
        "  One starter scenario per operation of the OpenAPI document. Those tagged @wip need\n"
        "  data (path parameters, a request body): fill it in, then remove the tag.\n"
    )
    return head + "".join("\n" + starter_scenario(op) for op in operations(document))


def profile_table(name: str, base_url: str, openapi: str | None) -> str:
    lines = [f"[profiles.{name}]", f'base_url = "{base_url}"', f'features = ["features/{name}"]']
    if openapi:
        lines.append(f'openapi = "{openapi}"')
    return "\n".join(lines) + "\n"


def _check(root: Path, name: str, base_url: str) -> bool:
    """Refuse what would clash; True when the new profile will be the only one."""
    if not _NAME.fullmatch(name):
        raise ScaffoldError(
            f"NAME={name!r}: a profile name is lower-case letters, digits and _, from a letter"
            " (it names features/NAME and steps/NAME)"
        )
    try:
        Profile.model_validate({"name": name, "base_url": base_url})
    except ValueError as err:
        raise ScaffoldError(f"BASE_URL={base_url!r}: must be http(s)://host[:port][/path]") from err
    profiles = load_profiles(root)
    if name in profiles.profiles:
        raise ScaffoldError(f"profile {name!r} already exists ({profiles.get(name).table})")
    if (root / "features" / name).exists():
        raise ScaffoldError(f"features/{name} already exists: choose another NAME")
    return all(p.implicit for p in profiles.profiles.values())


def _add_profile(root: Path, table: str, default: str | None) -> Path:
    path = root / TEAM_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if default:  # a top-level key must come before any table
        text = f'default = "{default}"\n' + text
    path.write_text(text + ("\n" if text.strip() else "") + table, encoding="utf-8")
    return path


def new_api(root: Path, name: str, base_url: str, openapi: str | None = None) -> list[Path]:
    """Write the profile and the first features; the paths written, in order."""
    only = _check(root, name, base_url)
    document = load_document(openapi, root) if openapi else None
    if openapi and document is not None:  # the run refuses one that is not valid OpenAPI
        check_document(document, openapi)
    folder = root / "features" / name
    folder.mkdir(parents=True)
    written = [folder / "reachability.feature"]
    written[0].write_text(reachability_feature(name, document), encoding="utf-8")
    if document is not None:
        written.append(folder / "operations.feature")
        written[1].write_text(operations_feature(name, document), encoding="utf-8")
    table = profile_table(name, base_url.rstrip("/"), openapi)
    return [_add_profile(root, table, name if only else None), *written]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make new-api", description="Add an API profile and its first features."
    )
    parser.add_argument("--name", required=True, help="the profile's name: billing")
    parser.add_argument("--base-url", required=True, help="https://billing.example.com")
    parser.add_argument("--openapi", help="the API's OpenAPI document: a file or a URL")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        written = new_api(args.root, args.name, args.base_url, args.openapi)
    except (ScaffoldError, ProfileError, DocumentError) as err:
        print(f"make new-api: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"make new-api: wrote {path.relative_to(args.root)}")
    print(f"make new-api: run it with make run ARGS='--api {args.name}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
