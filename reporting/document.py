"""The living documentation's content: scenario records arranged as the features are written.

Deterministic: features by file, scenarios by line and outline row, so a run under xdist gives
the same document as a serial one, apart from timings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

STATUSES = ("passed", "failed", "undefined", "ambiguous", "skipped")


def _worst(statuses: list[str]) -> str:
    for status in ("failed", "undefined", "ambiguous", "passed", "skipped"):
        if status in statuses:
            return status
    return "skipped"


def build_document(
    records: list[dict[str, Any]],
    catalog: list[dict[str, Any]],
    *,
    generated_at: str,
    base_url: str,
    duration: float,
    notices: list[str] | None = None,
) -> dict[str, Any]:
    """The document; ``notices`` say at the top of every output what it lacks (an interrupted
    run, a merge without some shards)."""
    by_feature: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_feature[record["feature"]["uri"]].append(record)
    features = []
    step_counts: Counter[str] = Counter()
    scenario_counts: Counter[str] = Counter()
    feature_counts: Counter[str] = Counter()
    retried, waited = 0, 0.0
    for uri in sorted(by_feature):
        scenarios = sorted(
            by_feature[uri],
            key=lambda r: (r["line"], -1 if r["example"] is None else r["example"]["index"]),
        )
        background = [s for s in scenarios[0]["steps"] if s["background"]]
        rules: list[dict[str, Any]] = []
        for scenario in scenarios:
            scenario_counts[scenario["status"]] += 1
            step_counts.update(s["status"] for s in scenario["steps"])
            for exchange in _exchanges(scenario):
                retried += 1 if exchange["retried"] else 0
                waited += exchange["waited"]
            rule = scenario["rule"]
            if not rules or rules[-1]["rule"] != rule:
                rules.append({"rule": rule, "scenarios": []})
            rules[-1]["scenarios"].append(scenario)
        status = _worst([s["status"] for s in scenarios])
        feature_counts[status] += 1
        features.append(
            {
                **scenarios[0]["feature"],
                "status": status,
                "background": background,
                "groups": rules,
                "tags_all": sorted(
                    {t for s in scenarios for t in s["tags"]} | set(scenarios[0]["feature"]["tags"])
                ),
            }
        )
    return {
        "generated_at": generated_at,
        "base_url": base_url,
        "duration": duration,
        "notices": list(notices or []),
        "summary": {
            "features": {s: feature_counts[s] for s in STATUSES},
            "scenarios": {s: scenario_counts[s] for s in STATUSES},
            "steps": {s: step_counts[s] for s in STATUSES},
            "retried_requests": retried,
            "waited": waited,
            "total_scenarios": sum(scenario_counts.values()),
        },
        "features": features,
        "tags": sorted({t for f in features for t in f["tags_all"]}),
        "catalog": catalog,
        "unused_steps": sum(1 for entry in catalog if entry["uses"] == 0),
    }


def _exchanges(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    exchanges: list[dict[str, Any]] = [e for step in scenario["steps"] for e in step["exchanges"]]
    return exchanges + list(scenario["after"])
