"""Charts of the printed reports as inline SVG (core.pdf: nothing is fetched while a PDF is rendered).

Pure: labels and numbers in, SVG text out; every label is escaped here, so the result may be marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

FONT = '"Noto Sans CJK SC", sans-serif'
# The colours of the overview's chart on the page (static/js/assessment_overview.js).
COLORS = {"full": "#2e7d32", "pass": "#1f6feb", "weak": "#b3261e", "uncounted": "#9e9e9e"}


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    data: Sequence[int]


def stacked_bars_svg(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    label_width: int = 170,
    bar_height: int = 16,
    gap: int = 7,
    description: str = "",
) -> str:
    """Horizontal stacked bars, one per label, each segment a series' value (drawn with its count when it
    is wide enough), a legend below; scaled to the largest bar."""
    totals = [sum(s.data[i] for s in series) for i in range(len(labels))]
    biggest = max(totals, default=0) or 1
    plot = width - label_width - 30
    height = len(labels) * (bar_height + gap) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family=\'{FONT}\' font-size="10">',
    ]
    if description:
        out.append(f"<title>{escape(description)}</title>")
    for row, label in enumerate(labels):
        y = row * (bar_height + gap) + 4
        out.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 4}" text-anchor="end">{escape(label)}</text>'
        )
        x = float(label_width)
        for s in series:
            value = s.data[row]
            if not value:
                continue
            w = plot * value / biggest
            color = COLORS.get(s.key, "#607d8b")
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}"/>')
            if w >= 14:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_height - 4}" text-anchor="middle" '
                    f'fill="#fff">{value}</text>'
                )
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + bar_height - 4}" fill="#666">{totals[row]}</text>')
    y = len(labels) * (bar_height + gap) + 14
    x = float(label_width)
    for s in series:
        color = COLORS.get(s.key, "#607d8b")
        out.append(f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y + 9}">{escape(s.name)}</text>')
        x += 14 + 11 * len(s.name) + 18
    out.append("</svg>")
    return "".join(out)
