"""The leaderboard's chart: recomputed tonnes on a log scale, the claim marked beside each.

Footprints span six orders of magnitude (a fine-tune of kilograms, a frontier model of
thousands of tonnes): on a linear axis everything but the largest is a hairline, so the axis
is logarithmic with a gridline per decade. Each row puts its label above the bar, so the chart
keeps its width on a phone. Classes only (no inline styles), styled in areas.css.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from emissions.charts import format_tco2e

WIDTH = 480
PAD_X = 8
ROW_HEIGHT = 40
AXIS_HEIGHT = 22
MAX_LABEL_CHARS = 34


@dataclass(frozen=True)
class LeaderboardPoint:
    label: str
    recomputed_tco2e: float | None
    claimed_tco2e: float | None


def _decades(values: Sequence[float]) -> tuple[int, int]:
    low = math.floor(math.log10(min(values)))
    high = math.ceil(math.log10(max(values)))
    return low, max(high, low + 1)


def leaderboard_log_svg(points: Sequence[LeaderboardPoint]) -> SafeString:
    """Bars of recomputed tCO2e on a log axis; a tick where the claim lies."""
    values = [
        v
        for p in points
        for v in (p.recomputed_tco2e, p.claimed_tco2e)
        if v is not None and math.isfinite(v) and v > 0
    ]
    if not values:
        return mark_safe("")
    low, high = _decades(values)
    span = WIDTH - 2 * PAD_X

    def x(value: float) -> float:
        return PAD_X + span * (math.log10(value) - low) / (high - low)

    height = AXIS_HEIGHT + ROW_HEIGHT * len(points) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-log" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        'aria-labelledby="leaderboard-chart-title leaderboard-chart-desc">',
        '<title id="leaderboard-chart-title">Recomputed training footprints, log scale</title>',
        '<desc id="leaderboard-chart-desc">Bars: tonnes CO2e as the registry recomputes them, '
        "on a logarithmic axis (each gridline is ten times the one before). The dark tick on a "
        "bar marks the researchers' claim.</desc>",
    ]
    # Every decade gets a gridline; past five decades every other one a label, so they fit.
    label_every = 2 if high - low > 5 else 1
    for decade in range(low, high + 1):
        gx = x(10.0**decade)
        parts.append(
            f'<line class="chart-grid" x1="{gx:.1f}" y1="{AXIS_HEIGHT - 4}" x2="{gx:.1f}" '
            f'y2="{height}"/>'
        )
        if (decade - low) % label_every == 0:
            anchor = "start" if decade == low else "end" if decade == high else "middle"
            parts.append(
                f'<text class="chart-axis" x="{gx:.1f}" y="{AXIS_HEIGHT - 8}" '
                f'text-anchor="{anchor}">{escape(format_tco2e(10.0**decade))}</text>'
            )
    for row, point in enumerate(points):
        y = AXIS_HEIGHT + row * ROW_HEIGHT
        label = point.label
        if len(label) > MAX_LABEL_CHARS:
            label = label[: MAX_LABEL_CHARS - 1] + "…"
        recomputed, claimed = point.recomputed_tco2e, point.claimed_tco2e
        figures = []
        if recomputed is not None:
            figures.append(f"recomputed {format_tco2e(recomputed)}")
        if claimed is not None:
            figures.append(f"claimed {format_tco2e(claimed)}")
        parts.append(
            f'<text class="chart-label" x="{PAD_X}" y="{y + 14}">{escape(label)} '
            f'<tspan class="chart-value-muted">({escape(", ".join(figures))})</tspan></text>'
        )
        if recomputed is not None and recomputed > 0:
            parts.append(
                f'<rect class="chart-bar chart-bar-actual" x="{PAD_X}" y="{y + 20}" '
                f'width="{max(x(recomputed) - PAD_X, 2):.1f}" height="14"><title>'
                f"{escape(point.label)}: recomputed {escape(format_tco2e(recomputed))}"
                "</title></rect>"
            )
        if claimed is not None and claimed > 0:
            cx = x(claimed)
            parts.append(
                f'<line class="chart-claim" x1="{cx:.1f}" y1="{y + 17}" x2="{cx:.1f}" '
                f'y2="{y + 37}"><title>{escape(point.label)}: claimed '
                f"{escape(format_tco2e(claimed))}</title></line>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
