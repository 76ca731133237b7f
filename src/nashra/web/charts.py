"""Small bar charts as inline SVG, drawn on the server: no script, no CDN, readable offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["bars"]

WIDTH, HEIGHT, GAP = 280, 60, 2


def bars(series: Sequence[tuple[str, int]], *, label: str = "") -> Markup:
    """One bar per (day, count), oldest on the left; each bar has a <title> tooltip."""
    n = max(len(series), 1)
    top = max((c for _, c in series), default=0) or 1
    w = (WIDTH - GAP * (n - 1)) / n
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 14}" width="{WIDTH}" '
        f'height="{HEIGHT + 14}" role="img" aria-label="{escape(label)}" direction="ltr">'
    ]
    for i, (day, count) in enumerate(series):
        h = round(HEIGHT * count / top, 1) if count else 0
        x = round(i * (w + GAP), 1)
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - h}" width="{round(w, 1)}" height="{h}" fill="#1f6f8b">'
            f"<title>{escape(day)}: {count}</title></rect>"
        )
    parts.append(f'<line x1="0" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}" stroke="#999"/>')
    if series:
        parts.append(f'<text x="0" y="{HEIGHT + 12}" font-size="9">{escape(series[0][0])}</text>')
        parts.append(
            f'<text x="{WIDTH}" y="{HEIGHT + 12}" font-size="9" text-anchor="end">'
            f"{escape(series[-1][0])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
