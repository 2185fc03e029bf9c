"""Renders the living documentation to one self-contained HTML file (Jinja2, autoescaped).

Everything is inline: styles, the small filter script, the data. Exchanges are native
``<details>`` elements, collapsed, so the page reads without JavaScript too (the macro in
``templates/_exchange.html.j2``).
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

_ENV = Environment(
    loader=PackageLoader("reporting", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _retried(scenario: dict[str, Any]) -> int:
    exchanges = [e for s in scenario["steps"] for e in s["exchanges"]] + scenario["after"]
    return sum(1 for e in exchanges if e["retried"])


_ENV.filters["retried"] = _retried


def render_html(document: dict[str, Any]) -> str:
    # "</" cannot end the inline <script> early once escaped this way.
    data = json.dumps(document, ensure_ascii=False).replace("</", "<\\/")
    return _ENV.get_template("living-docs.html.j2").render(doc=document, data_json=Markup(data))  # noqa: S704
