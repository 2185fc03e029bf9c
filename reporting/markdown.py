"""A Markdown summary of the run, fit for a CI job summary (``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

from typing import Any

from reporting.hookspecs import ReportSection
from reporting.record_types import ScenarioRecord
from reporting.spec import plural

_ICON = {
    "passed": "✅",
    "failed": "❌",
    "undefined": "❓",
    "ambiguous": "❓",
    "skipped": "⏭️",
    "pending": "⏳",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _all_scenarios(document: dict[str, Any]) -> list[tuple[dict[str, Any], ScenarioRecord]]:
    return [
        (feature, scenario)
        for feature in document["features"]
        for group in feature["groups"]
        for scenario in group["scenarios"]
    ]


def _heading(document: dict[str, Any]) -> list[str]:
    """The title, the run's notices, its counts and facts."""
    summary = document["summary"]
    lines = ["## Living documentation", ""]
    for notice in document.get("notices", []):
        lines += [f"> **⚠️ {_cell(notice)}**", ""]
    counts = (
        ", ".join(f"{n} {status}" for status, n in summary["scenarios"].items() if n)
        or "no scenarios"
    )
    lines.append(f"**{plural(summary['total_scenarios'], 'scenario')}**: {counts}.  ")
    lines.append(
        f"Run {document['generated_at']} against {document['base_url']} in"
        f" {document['duration']:.1f} s; {plural(summary['retried_requests'], 'request')}"
        f" retried, {summary['waited']:.2f} s waited."
    )
    return lines


def _feature_table(document: dict[str, Any]) -> list[str]:
    lines = ["", "| Feature | Status | Scenarios |", "| --- | --- | --- |"]
    for feature in document["features"]:
        scenarios = [s for g in feature["groups"] for s in g["scenarios"]]
        passed = sum(1 for s in scenarios if s["status"] == "passed")
        lines.append(
            f"| {_cell(feature['name'])} (`{feature['uri']}`) | {_ICON[feature['status']]}"
            f" {feature['status']} | {passed}/{len(scenarios)} passed |"
        )
    return lines


def _not_passing(feature: dict[str, Any], scenario: ScenarioRecord) -> str:
    """One line: the scenario, where it stopped (its first step that did not pass), and why."""
    step = next(
        (s for s in scenario["steps"] if s["status"] in ("failed", "undefined", "ambiguous")),
        None,
    )
    where = f"`{feature['uri']}:{step['line'] if step else scenario['line']}`"
    what = f"**{step['keyword']} {_cell(step['text'])}**" if step else ""
    errors = [step["error"] if step and step["error"] else scenario.get("error")]
    if scenario.get("teardown_error"):
        errors.append(f"teardown failed: {scenario['teardown_error']}")
    error = "; ".join(e for e in errors if e) or scenario["status"]
    icon, name = _ICON[scenario["status"]], _cell(scenario["name"])
    if scenario.get("interrupted"):
        name += " (interrupted)"
    return f"- {icon} {name} — {where} {what}: {_cell(str(error))}"


def _passed_after_retries(scenario: ScenarioRecord) -> bool:
    return scenario["status"] == "passed" and any(
        e.get("recovered", e["retried"]) for s in scenario["steps"] for e in s["exchanges"]
    )


def render_markdown(
    document: dict[str, Any],
    html_path: str | None = None,
    sections: list[ReportSection] | None = None,
) -> str:
    lines = _heading(document) + _feature_table(document)
    scenarios = _all_scenarios(document)
    problems = [
        (feature, scenario)
        for feature, scenario in scenarios
        if scenario["status"] in ("failed", "undefined", "ambiguous")
    ]
    if problems:
        lines += ["", "### Not passing", ""]
        lines += [_not_passing(feature, scenario) for feature, scenario in problems]
    retried = [scenario for _, scenario in scenarios if _passed_after_retries(scenario)]
    if retried:
        lines += ["", "### Passed only after retries", ""]
        lines += [f"- {_cell(s['name'])}" for s in retried]
    for section in sections or []:
        if section["markdown"].strip():
            lines += ["", f"### {section['title']}", "", section["markdown"].strip()]
    if html_path:
        lines += ["", f"The full report, with the HTTP evidence of every step: `{html_path}`."]
    return "\n".join(lines) + "\n"
