"""Generated scenario records for measuring the living documentation at scale.

``generated_records(5000)`` gives records shaped like the recorder's (5 steps, 3 exchanges with
JSON bodies, one clean-up request, 1 in 50 scenarios failed), spread over features of 25
scenarios. ``python -m tests.reporting.generated 5000 OUT.html [--late-secret] [--browser]`` writes
the HTML the way the plugin does, prints how long each part took and the file's size, and with
``--browser`` opens it in Chromium and prints first paint, load and one filter's time.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, cast

from client.redaction import Redactor
from reporting import outbound
from reporting.document import build_document
from reporting.html import render_html
from reporting.record_types import ScenarioRecord

PER_FEATURE = 25
STEPS = (
    ("Given", "I am signed in", "steps.auth.signed_in"),
    ("Given", "a product priced 29.99 with 100 in stock", "steps.products.product_in_stock"),
    ("When", "I order 2 of the product", "steps.orders.order_product"),
    ("Then", "the order is confirmed", "steps.orders.order_confirmed"),
    ("And", "the product has 98 in stock", "steps.products.product_has_stock"),
)


def _exchange(n: int, method: str, path: str, status: int) -> dict[str, Any]:
    body = {"id": n, "name": f"product-{n:06d}", "price": "29.99", "stock": 98, "tags": ["a", "b"]}
    text = json.dumps(body)  # one line, as records.py keeps JSON bodies
    return {
        "method": method,
        "url": f"http://127.0.0.1:41231{path}",
        "status": status,
        "reason": "OK",
        "request_headers": {
            "Authorization": "Bearer ***",
            "Content-Type": "application/json",
            "Idempotency-Key": f"{n:032x}",
        },
        "request_body": text if method == "POST" else None,
        "response_headers": {"content-type": "application/json", "content-length": "120"},
        "response_body": text,
        "started_at": 1_800_000_000.0 + n,
        "elapsed": 0.0012,
        "attempts": [
            {
                "number": 1,
                "outcome": "ok",
                "elapsed": 0.0012,
                "wait": 0.0,
                "reason": "",
                "retry_after": None,
            }
        ],
        "error": "",
        "truncated": False,
        "retried": False,
        "waited": 0.0,
        "curl": f"curl -X {method} 'http://127.0.0.1:41231{path}'"
        ' -H "Authorization: Bearer $API_TOKEN"',
    }


def _steps(n: int, failed: bool) -> list[dict[str, Any]]:
    steps = []
    for index, (keyword, text, function) in enumerate(STEPS):
        exchanges = []
        if index == 1:
            exchanges = [_exchange(n, "POST", "/products", 201)]
        elif index == 2:
            exchanges = [_exchange(n, "POST", "/orders", 201)]
        elif index == 4:
            exchanges = [_exchange(n, "GET", f"/products/{n}", 200)]
        steps.append(
            {
                "keyword": keyword,
                "text": text,
                "line": 7 + 6 * (n % PER_FEATURE) + index,
                "type": {"Given": "given", "When": "when"}.get(keyword, "then"),
                "background": index == 0,
                "datatable": None,
                "docstring": None,
                "status": "failed" if failed and index == 4 else "passed",
                "duration": 0.004,
                "error": "AssertionError: product has 97 in stock, not 98"
                if failed and index == 4
                else None,
                "function": function,
                "exchanges": exchanges,
            }
        )
    return steps


def generated_records(count: int) -> list[ScenarioRecord]:
    records: list[dict[str, Any]] = []
    for n in range(count):
        feature_no = n // PER_FEATURE
        uri = f"features/area{feature_no % 10}/feature{feature_no:04d}.feature"
        failed = n % 50 == 7
        records.append(
            {
                "id": f"tests/test_generated.py::test_scenario_{n}",
                "feature": {
                    "uri": uri,
                    "keyword": "Feature",
                    "name": f"Generated feature {feature_no}",
                    "description": "",
                    "tags": ["generated"],
                    "line": 1,
                },
                "rule": None,
                "keyword": "Scenario",
                "name": f"Ordering takes the stock, case {n}",
                "line": 7 + 6 * (n % PER_FEATURE),
                "tags": ["smoke"] if n % 10 == 0 else [],
                "description": "",
                "example": None,
                "status": "failed" if failed else "passed",
                "duration": 0.02,
                "error": None,
                "steps": _steps(n, failed),
                "after": [_exchange(n, "DELETE", f"/products/{n}", 204)],
            }
        )
    return cast(list[ScenarioRecord], records)


def generated_document(count: int, records: list[ScenarioRecord] | None = None) -> dict[str, Any]:
    catalog = [
        {"type": "given", "pattern": text, "function": function, "doc": "", "uses": count}
        for _, text, function in STEPS
    ]
    return build_document(
        generated_records(count) if records is None else records,
        catalog,
        generated_at="2026-01-01 00:00:00 UTC",
        base_url="http://127.0.0.1:41231",
        duration=100.0,
    )


def write_html(count: int, out: Path, *, late_secret: bool = False) -> dict[str, float]:
    """Write the HTML as the plugin does; timings in s. ``late_secret``: a secret learned after
    the records arrived (a serial run learns a token per scenario), so every record passes the
    redactor once more; without it (xdist: the controller learns nothing) none does."""
    redactor = Redactor()
    started = time.perf_counter()
    records = generated_records(count)
    since = redactor.generation  # the first record arrived
    if late_secret:
        redactor.add("a-token-learned-after-the-records-1234", "a late token")
    generated = time.perf_counter()
    records = outbound.scenario_records(records, redactor, since=since)  # as the plugin does
    redacted = time.perf_counter()
    document = generated_document(count, records)
    built = time.perf_counter()
    out.write_text(render_html(document), encoding="utf-8")
    written = time.perf_counter()
    return {
        "generate records (not part of the write)": generated - started,
        "late redaction pass": redacted - generated,
        "document": built - redacted,
        "render and write": written - built,
        "total write": written - generated,
        "size MB": out.stat().st_size / 1e6,
    }


def browser_timings(path: Path) -> dict[str, float]:
    """Open the page in Debian's Chromium: first paint, load, and one filter, in seconds."""
    from playwright.sync_api import sync_playwright

    from tests.reporting.chromium import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
        loaded = time.perf_counter() - started
        paint = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
        )
        dom = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        )
        started = time.perf_counter()
        page.locator("input.status-filter[value=passed]").uncheck()
        shown = page.locator("#shown").inner_text()  # the change handler has run
        filtered = time.perf_counter() - started
        browser.close()
    print(f"after the filter: {shown}")
    return {
        "first contentful paint": (paint or 0) / 1000,
        "DOMContentLoaded": dom / 1000,
        "load (goto returned)": loaded,
        "filter 'passed' off": filtered,
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 5000
    path = Path(args[1] if len(args) > 1 else "reports/generated-living-docs.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    for name, value in write_html(count, path, late_secret="--late-secret" in sys.argv).items():
        print(f"{name}: {value:.3f}")
    print(f"wrote {path}")
    if "--browser" in sys.argv:
        for name, value in browser_timings(path).items():
            print(f"chromium {name}: {value:.3f} s")
