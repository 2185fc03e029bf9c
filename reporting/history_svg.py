"""Trend pictures of the History view as inline SVG, drawn by the writer: no script, no
network, no chart library. Every point of a picture is an element of class ``pt`` carrying a
``<title>`` (run, date, value), so a reader hovers for the numbers and a test counts points.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 360, 120, 24
COLOURS = {
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "undefined": "#9a6700",
    "ambiguous": "#bf8700",
    "skipped": "#6e7781",
}


def _x(index: int, count: int) -> float:
    if count <= 1:
        return WIDTH / 2
    return PAD + index * (WIDTH - 2 * PAD) / (count - 1)


def _y(value: float, top: float) -> float:
    return HEIGHT - PAD - (value / top if top else 0.0) * (HEIGHT - 2 * PAD)


def _frame(title: str, top_label: str, body: str, name: str) -> Markup:
    return Markup(  # noqa: S704 (every piece of text below is escaped)
        f'<figure class="trend-figure"><figcaption>{escape(title)}</figcaption>'
        f'<svg class="trend" data-trend="{escape(name)}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"'
        f' stroke="#d0d7de"/>'
        f'<text x="2" y="{PAD - 6}" font-size="10" fill="#57606a">{escape(top_label)}</text>'
        f"{body}</svg></figure>"
    )


def line_chart(
    name: str, title: str, values: Sequence[float], labels: Sequence[str], unit: str = ""
) -> Markup:
    """A line over the runs, oldest left; ``labels`` name each run for its point's title."""
    top = max(values, default=0.0) or 1.0
    points = [(_x(i, len(values)), _y(v, top)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body = f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{path}"/>'
    for (x, y), value, label in zip(points, values, labels, strict=True):
        tip = escape(f"{label}: {value:g}{unit}")
        body += (
            f'<circle class="pt" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0969da">'
            f"<title>{tip}</title></circle>"
        )
    return _frame(title, f"{top:g}{unit}", body, name)


def stacked_bars(
    name: str, title: str, counts: Sequence[dict[str, int]], labels: Sequence[str]
) -> Markup:
    """One bar per run, its statuses stacked (passed at the bottom)."""
    top = max((sum(c.values()) for c in counts), default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(counts), 1)
    width = max(min(slot * 0.7, 24.0), 1.0)
    body = ""
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        x = PAD + index * slot + (slot - width) / 2
        base = float(HEIGHT - PAD)
        parts = ", ".join(f"{n} {s}" for s, n in count.items() if n)
        tip = escape(f"{label}: {parts or 'none'}")
        body += f'<g class="pt"><title>{tip}</title>'
        for status, colour in COLOURS.items():
            height = count.get(status, 0) / top * (HEIGHT - 2 * PAD)
            if height > 0:
                base -= height
                body += (
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{width:.1f}"'
                    f' height="{height:.1f}" fill="{colour}"/>'
                )
        body += "</g>"
    return _frame(title, str(top), body, name)
