"""Server-rendered SVG charts for the review packet, legible when printed in black and white.

The bars differ by fill pattern and outline, not by colour, and every bar carries its value as
text, so a grey-scale photocopy loses nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from xml.sax.saxutils import escape

from emissions.charts import Bar
from venues.exports.formatting import number

# Labels are right-aligned against the bars: a label wider than LABEL_WIDTH runs off the
# chart's left edge. DejaVu Sans Bold at 11 px averages under 7.5 px a character, so labels are
# cut to fit (a region name such as "gcp northamerica-northeast1" would otherwise be clipped).
LABEL_WIDTH = 280
LABEL_CHARS = int((LABEL_WIDTH - 6) // 7.5)


def chart_label(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def what_if_svg(bars: Sequence[Bar], *, width: int = 640, title: str = "") -> str:
    """A horizontal bar chart of tCO2e alternatives (`emissions.charts.what_if_bars`, the
    page's rows); the disclosed configuration (kind "actual") is hatched."""
    row_h, label_w, value_w, top = 22, LABEL_WIDTH, 80, 28 if title else 8
    height = top + row_h * max(len(bars), 1) + 10
    plot_w = width - label_w - value_w - 10
    largest = max((b.value for b in bars), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11">',
        "<defs>",
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2.5"/></pattern>',
        "</defs>",
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="12" font-weight="bold">{escape(title)}</text>')
    if not bars:
        parts.append(f'<text x="0" y="{top + 14}">No alternatives computed.</text>')
    for index, bar in enumerate(bars):
        y = top + index * row_h
        bar_w = max(1.0, plot_w * max(bar.value, 0.0) / largest)
        current = bar.kind == "actual"
        fill = "url(#hatch)" if current else "#d9d9d9"
        label = chart_label(bar.label)
        weight = ' font-weight="bold"' if current else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"{weight}>{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" '
            f'fill="{fill}" stroke="#000" stroke-width="0.8"/>'
        )
        value_x = label_w + bar_w + 5
        parts.append(
            f'<text x="{value_x:.1f}" y="{y + 15}"{weight}>{number(bar.value, "t")}</text>'
        )
    parts.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 8}" stroke="#000" '
        'stroke-width="1"/></svg>'
    )
    return "".join(parts)


def svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
