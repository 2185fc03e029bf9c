"""Renders the living documentation to one self-contained HTML file (Jinja2, autoescaped).

Everything is inline: styles, the script (``templates/living-docs.js``), the data (the document
as JSON). The template renders the frame: the header (profile, base URL, auth scheme, API
version, commit), the tabs (a ``data-tab`` button shows its ``data-tab-panel``; the
specification view first, the step catalog for authors after it), the functional coverage
table, each capability with its features' headings, descriptions and Backgrounds, extra
sections. The script renders a feature's scenarios from
the data when the feature is open (all are, up to ``LAZY_ABOVE`` scenarios; above, each opens
on a click) and an exchange's evidence when it is first expanded; the filters work on the data.
So writing the page is one JSON dump plus a small template, and a browser paints it at once
whatever the size of the run (5,000 scenarios: see the README's numbers).

Extra sections from ``pytest_api_bdd_report_sections`` come after the features, or as a tab of
their own when they name one (the History view); their
``html`` was rendered with autoescape by the plugin that made it, and is inserted as is.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from markupsafe import Markup

from reporting.hookspecs import ReportSection
from reporting.spec import plural


def page_environment() -> Environment:
    """The Jinja2 environment of the pages' templates (``reporting/templates``). Their compiled
    form is kept in Jinja2's own bytecode cache (a folder of the user's in the temporary
    directory, which Jinja2 creates private to the user): a run's end then loads each template
    instead of compiling it (37 ms to 5 ms for both pages, measured). Only the templates' code
    goes there, never a report's data."""
    environment = Environment(
        loader=PackageLoader("reporting", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(),
    )
    environment.filters["plural"] = lambda count, noun: plural(int(count), str(noun))
    return environment


_ENV = page_environment()


# Above this many scenarios features start collapsed, each rendered when first opened.
LAZY_ABOVE = 300


def _json(value: Any) -> str:
    # With every "<" escaped, nothing in the data can end the inline <script> early.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _authored(entry: dict[str, Any]) -> dict[str, Any]:
    """A catalog entry without where its Python lives."""
    return {k: v for k, v in entry.items() if k not in ("function", "uri", "line")}


def _data_pieces(document: dict[str, Any], mark: str) -> Iterator[str]:
    """The document as JSON, a feature at a time: the page of a large run is never held in
    memory whole (nor copied to escape it, nor to encode it), only one feature's part."""
    head, tail = _json({**document, "features": mark}).split(_json(mark), 1)
    yield head + "["
    for index, feature in enumerate(document["features"]):
        yield ("," if index else "") + _json(feature)
    yield "]" + tail


def write_html(
    document: dict[str, Any], sections: list[ReportSection] | None, write: Callable[[str], Any]
) -> None:
    """Render the page into ``write`` (a file's ``write``), the data a feature at a time."""
    if not document.get("catalog_source"):  # authors read the catalog: no Python names
        document = {**document, "catalog": [_authored(e) for e in document["catalog"]]}
    mark = f"api-bdd-data-{secrets.token_hex(16)}"  # where the data goes: in nothing else
    frame = _ENV.get_template("living-docs.html.j2").render(
        doc=document,
        data_json=Markup(mark),  # noqa: S704
        sections=sections or [],
        lazy=document["summary"]["total_scenarios"] > LAZY_ABOVE,
    )
    before, after = frame.split(mark, 1)
    write(before)
    for piece in _data_pieces(document, mark):
        write(piece)
    write(after)


def render_html(document: dict[str, Any], sections: list[ReportSection] | None = None) -> str:
    pieces: list[str] = []
    write_html(document, sections, pieces.append)
    return "".join(pieces)
