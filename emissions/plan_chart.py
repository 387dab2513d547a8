"""The planner's chart: the grid-intensity curve over the series, the best start window
shaded and "now" marked. Server-rendered SVG with classes only (styled in areas.css)."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from emissions.estimator import IntensitySeries

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 28


def intensity_curve_svg(
    series: IntensitySeries, *, window_start: datetime | None, window_end: datetime | None
) -> SafeString:
    values = series.values
    step = timedelta(minutes=series.step_minutes)
    span = step * len(values)
    top = max(values) * 1.05 or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + plot_w * ((moment - series.start) / span)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    points = " ".join(
        f"{x(series.start + step * i):.1f},{y(v):.1f} {x(series.start + step * (i + 1)):.1f},"
        f"{y(v):.1f}"
        for i, v in enumerate(values)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-intensity" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'aria-labelledby="intensity-title intensity-desc">',
        '<title id="intensity-title">Grid intensity over the series</title>',
        '<desc id="intensity-desc">Grams CO2e per kWh at each step of the series; the shaded '
        "band is the lowest-carbon start window; the series starts at the left edge.</desc>",
    ]
    if window_start is not None and window_end is not None:
        x0, x1 = x(window_start), x(window_end)
        parts.append(
            f'<rect class="chart-window" x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{plot_h}"><title>Best start window</title></rect>'
        )
    for fraction in (0, 0.5, 1):
        value = top / 1.05 * fraction
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/><text class="chart-axis" x="{LEFT - 4}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value:.0f}</text>'
        )
    day = series.start.replace(hour=0, minute=0)
    while day <= series.start + span:
        if day >= series.start:
            parts.append(
                f'<line class="chart-grid" x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" '
                f'y2="{TOP + plot_h}"/><text class="chart-axis" x="{x(day) + 3:.1f}" '
                f'y="{HEIGHT - 10}">{escape(f"{day:%a} {day.day}")}</text>'
            )
        day += timedelta(days=1)
    parts.append(f'<polyline class="chart-line" points="{points}"/>')
    parts.append(f'<text class="chart-axis" x="{LEFT}" y="{TOP + 10}">g CO2e/kWh</text></svg>')
    return mark_safe("".join(parts))  # noqa: S308 - only numbers and escaped text above
