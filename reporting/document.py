"""The living documentation's content: scenario records arranged as the features are written.

Deterministic: features by file, scenarios by line and outline row, so a run under xdist gives
the same document as a serial one, apart from timings.

Besides the features it carries what the specification view needs: the capabilities (each
folder under the profile's feature folder, see :mod:`reporting.spec`), each feature's and each
Rule's Background (shown once), and the run's description for the header.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from reporting.record_types import ScenarioRecord, scenario_exchanges
from reporting.spec import capabilities, common_background, plural

# The shape of the page data (its scenarios are reporting.record_types's records): a change that
# renames or drops a key bumps it, so a reader of an older page knows it is one.
PAGE_FORMAT = "api-bdd-page-data/1"
STATUSES = ("passed", "failed", "pending", "undefined", "ambiguous", "skipped")


def _worst(statuses: list[str]) -> str:
    for status in ("failed", "undefined", "ambiguous", "pending", "passed", "skipped"):
        if status in statuses:
            return status
    return "skipped"


def _groups(scenarios: list[ScenarioRecord], feature_background: set[int]) -> list[dict[str, Any]]:
    """The scenarios by Rule, each Rule with the Background steps of its own."""
    rules: list[dict[str, Any]] = []
    for scenario in scenarios:
        rule = scenario["rule"]
        if not rules or rules[-1]["rule"] != rule:
            rules.append({"rule": rule, "scenarios": [], "background": []})
            if rule is not None:
                rules[-1]["background"] = [
                    s
                    for s in scenario["steps"]
                    if s["background"] and s["line"] not in feature_background
                ]
        rules[-1]["scenarios"].append(scenario)
    return rules


def _feature(uri: str, scenarios: list[ScenarioRecord]) -> dict[str, Any]:
    background = common_background(scenarios)
    counts = Counter(s["status"] for s in scenarios)
    return {
        **scenarios[0]["feature"],
        "status": _worst([s["status"] for s in scenarios]),
        "counts": {s: counts[s] for s in STATUSES if counts[s]},
        "scenario_count": plural(len(scenarios), "scenario"),
        "background": background,
        "groups": _groups(scenarios, {s["line"] for s in background}),
        "tags_all": sorted(
            {t for s in scenarios for t in s["tags"]} | set(scenarios[0]["feature"]["tags"])
        ),
    }


def _features_and_summary(
    records: list[ScenarioRecord],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The features (by URI, scenarios by line and example row) and the run's counts."""
    by_feature: dict[str, list[ScenarioRecord]] = defaultdict(list)
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
        for scenario in scenarios:
            scenario_counts[scenario["status"]] += 1
            step_counts.update(s["status"] for s in scenario["steps"])
            for exchange in scenario_exchanges(scenario):
                retried += 1 if exchange["retried"] else 0
                waited += exchange["waited"]
        feature = _feature(uri, scenarios)
        feature_counts[feature["status"]] += 1
        features.append(feature)
    total = sum(scenario_counts.values())
    summary = {
        "features": {s: feature_counts[s] for s in STATUSES},
        "scenarios": {s: scenario_counts[s] for s in STATUSES},
        "steps": {s: step_counts[s] for s in STATUSES},
        "retried_requests": retried,
        "waited": waited,
        "total_scenarios": total,
        "total_label": plural(total, "scenario"),
        "features_label": plural(len(features), "feature"),
    }
    return features, summary


def build_document(
    records: list[ScenarioRecord],
    catalog: list[dict[str, Any]],
    *,
    generated_at: str,
    base_url: str,
    duration: float,
    notices: list[str] | None = None,
    run: Mapping[str, Any] | None = None,
    operations: Mapping[str, list[str]] | None = None,
    catalog_source: bool = False,
) -> dict[str, Any]:
    """``notices`` say at the top of every output what it lacks (an interrupted run, a merge
    without some shards); ``run``: what the header says about the run (see
    ``pytest_api_bdd_run_description``; None: nothing known beyond ``base_url``);
    ``operations``: per scenario id, the OpenAPI operations it exercised (None: the profile
    names no document); ``catalog_source``: keep each catalog entry's Python function and file
    on the page (``--catalog-source``; authors reading the catalog do not need them; the
    Cucumber Messages always carry them)."""
    features, summary = _features_and_summary(records)
    folders = list((run or {}).get("features") or [])
    return {
        "format": PAGE_FORMAT,
        "generated_at": generated_at,
        "base_url": base_url,
        "duration": duration,
        "notices": list(notices or []),
        "run": dict(run or {}),
        "summary": summary,
        "capabilities": capabilities(features, folders, operations),
        "features": features,
        "tags": sorted({t for f in features for t in f["tags_all"]}),
        "catalog": catalog,
        "catalog_source": catalog_source,
        "unused_steps": sum(1 for entry in catalog if entry["uses"] == 0),
    }
