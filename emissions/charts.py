"""Server-rendered SVG bar charts: the what-if comparison, the leaderboard and the planner.

The page works without JavaScript and under a CSP without inline styles: the SVG carries
classes (styled in static/css/areas.css) and an accessible title and description, and every
chart sits next to a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

ROW_HEIGHT = 28
LABEL_WIDTH = 270
BAR_AREA = 360
VALUE_WIDTH = 110
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
MAX_LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    kind: str = "other"  # a CSS class suffix: actual, low, high, other, now, best, ramp
    note: str = ""  # shown beside the label in tables, e.g. a grid's intensity


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def format_tco2e(value: float) -> str:
    """Tonnes with three significant figures; small values in kg so they do not read as 0."""
    if value == 0:
        return "0 t"
    if abs(value) < 1:
        return f"{value * 1000:.3g} kg"
    if abs(value) >= 1000:
        return f"{value:,.0f} t"
    return f"{value:.3g} t"


def bar_chart_svg(
    bars: Sequence[Bar], *, title: str, description: str, unit_format: Any = format_tco2e
) -> SafeString:
    """A horizontal bar chart; bar lengths are linear in value, from zero."""
    finite = [bar for bar in bars if math.isfinite(bar.value) and bar.value >= 0]
    height = ROW_HEIGHT * max(len(finite), 1) + 8
    chart_id = "chart-" + slugify(title)
    largest = max((bar.value for bar in finite), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for row, bar in enumerate(finite):
        y = 4 + row * ROW_HEIGHT
        length = max(BAR_AREA * bar.value / largest, 1.0)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 18}" '
            f'text-anchor="end">{escape(_shorten(bar.label))}</text>'
        )
        parts.append(
            f'<rect class="chart-bar chart-bar-{escape(bar.kind)}" x="{LABEL_WIDTH}" y="{y + 4}" '
            f'width="{length:.1f}" height="{ROW_HEIGHT - 8}"><title>{escape(bar.label)}: '
            f"{escape(unit_format(bar.value))}</title></rect>"
        )
        parts.append(
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 18}">'
            f"{escape(unit_format(bar.value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


# The what-if shows this many alternative accelerators: the lowest-carbon ones.
WHAT_IF_HARDWARE_SHOWN = 3


def what_if_bars(what_if: Mapping[str, Any] | None) -> list[Bar]:
    """The rows of a recomputation's what-if block wherever it is shown (disclosure page,
    its table, the review packet): actual gross tCO2e, the same energy on the lowest- and
    highest-intensity grids, and the `WHAT_IF_HARDWARE_SHOWN` lowest-carbon accelerators.
    Empty when there is no what-if; malformed entries are left out."""
    if not isinstance(what_if, Mapping) or what_if.get("actual_tco2e") is None:
        return []
    bars = [Bar("This training run (gross)", float(what_if["actual_tco2e"]), "actual")]
    regions = what_if.get("regions") or {}
    for key, kind in (("lowest", "low"), ("highest", "high")):
        region = regions.get(key)
        if isinstance(region, Mapping) and region.get("tco2e") is not None:
            label = region.get("label") or region.get("region") or key
            intensity = region.get("intensity_g_per_kwh")
            note = f"{intensity} g/kWh" if intensity is not None else ""
            bars.append(Bar(f"Same energy in {label}", float(region["tco2e"]), kind, note))
    hardware = [
        h
        for h in what_if.get("hardware") or []
        if isinstance(h, Mapping) and h.get("tco2e") is not None
    ]
    hardware.sort(key=lambda h: float(h["tco2e"]))
    for option in hardware[:WHAT_IF_HARDWARE_SHOWN]:
        bars.append(Bar(f"On {option.get('accelerator', '?')}", float(option["tco2e"]), "other"))
    return bars


def what_if_svg(bars: Sequence[Bar]) -> SafeString:
    return bar_chart_svg(
        bars,
        title="What if: where and on what hardware",
        description="Gross tonnes CO2e of this training run against the same run on the "
        "lowest- and highest-intensity grids of the catalog and on the lowest-carbon hardware.",
    )


def leaderboard_svg(rows: Sequence[tuple[str, float]]) -> SafeString:
    return bar_chart_svg(
        [Bar(label, value, "actual") for label, value in rows],
        title="Verified training footprints",
        description="Claimed and verified tonnes CO2e of each disclosure in the list.",
    )


def plan_svg(*, now_tco2e: float, best_tco2e: float, ramp_tco2e: float | None) -> SafeString:
    bars = [Bar("Start now", now_tco2e, "now"), Bar("Best start window", best_tco2e, "best")]
    if ramp_tco2e is not None:
        bars.append(Bar("Ramp plan", ramp_tco2e, "ramp"))
    return bar_chart_svg(
        bars,
        title="Starting now against the lowest-carbon plans",
        description="Tonnes CO2e of the planned run started now, at the best start time, and "
        "spread over the cheapest hours by the ramp plan.",
    )
