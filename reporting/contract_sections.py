"""Living-docs sections about the API's contract: operation coverage and breaking changes.

Each builder returns a :class:`ReportSection` (an HTML fragment rendered by Jinja2 with
autoescape, the same in Markdown, and JUnit testsuite properties). No pytest import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment

from models.breaking import Change
from models.coverage import Coverage

if TYPE_CHECKING:  # a type only: this module stays free of pytest
    from reporting.hookspecs import ReportSection

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_COVERAGE_HTML = _ENV.from_string(
    """<p class="coverage-total"><strong>{{ totals }}</strong> exercised by this run.</p>
<table class="coverage">
<thead><tr><th>Operation</th><th>Status</th><th>Exercised</th><th>Scenarios</th></tr></thead>
<tbody>
{% for row in rows %}
<tr class="{{ 'covered' if row.exercised else 'missed' }}"><td><code>{{ row.operation }}</code></td>
<td>{{ row.status }}</td><td>{{ 'yes' if row.exercised else 'no' }}</td>
<td>{{ row.scenarios | join(', ') }}</td></tr>
{% endfor %}
</tbody>
</table>
{% if undeclared %}
<p>Answers the document does not declare:</p>
<ul class="coverage-undeclared">
{% for (operation, status), scenarios in undeclared %}
<li><code>{{ operation }}</code> {{ status }}: {{ scenarios | join(', ') }}</li>
{% endfor %}
</ul>
{% endif %}
"""
)

_BREAKING_HTML = _ENV.from_string(
    """<p><strong>{{ breaking }} breaking</strong> of {{ changes | length }} changes.</p>
<table class="breaking-changes">
<thead><tr><th>Operation</th><th>Where</th><th>Change</th><th>Breaks clients</th></tr></thead>
<tbody>
{% for change in changes %}
<tr class="{{ 'breaking' if change.breaking else 'compatible' }}">
<td><code>{{ change.operation }}</code></td><td>{{ change.where }}</td><td>{{ change.detail }}</td>
<td>{{ 'yes' if change.breaking else 'no' }}</td></tr>
{% endfor %}
</tbody>
</table>
"""
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_section(coverage: Coverage) -> ReportSection:
    """Every operation x declared status, exercised or not and by which scenarios; totals."""
    totals, rows = coverage.totals(), coverage.rows
    undeclared = sorted(coverage.undeclared.items())
    lines = [
        f"**{totals}** exercised by this run.",
        "",
        "| Operation | Status | Exercised | Scenarios |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        mark = "✅" if row.exercised else "—"
        scenarios = _cell(", ".join(row.scenarios))
        lines.append(f"| `{row.operation}` | {row.status} | {mark} | {scenarios} |")
    if undeclared:
        lines += ["", "Answers the document does not declare:", ""]
        lines += [f"- `{op}` {status}: {_cell(', '.join(s))}" for (op, status), s in undeclared]
    return {
        "id": "operation-coverage",
        "title": "Operation coverage",
        "html": _COVERAGE_HTML.render(totals=str(totals), rows=rows, undeclared=undeclared),
        "markdown": "\n".join(lines) + "\n",
        "properties": {
            "api_coverage": str(totals),
            "api_coverage_percent": f"{totals.percent:.1f}",
            "api_coverage_exercised": str(totals.exercised),
            "api_coverage_declared": str(totals.declared),
        },
    }


def breaking_section(changes: list[Change]) -> ReportSection:
    """The changes between the committed document and the live API's, breaking ones marked."""
    breaking = sum(change.breaking for change in changes)
    lines = [
        f"**{breaking} breaking** of {len(changes)} changes.",
        "",
        "| Operation | Where | Change | Breaks clients |",
        "| --- | --- | --- | --- |",
    ]
    for change in changes:
        breaks = "yes" if change.breaking else "no"
        where, detail = _cell(change.where), _cell(change.detail)
        lines.append(f"| `{change.operation}` | {where} | {detail} | {breaks} |")
    return {
        "id": "breaking-changes",
        "title": "Changes to the API's document",
        "html": _BREAKING_HTML.render(changes=changes, breaking=breaking),
        "markdown": "\n".join(lines) + "\n",
        "properties": {"api_breaking_changes": str(breaking)},
    }
