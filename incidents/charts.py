"""Geometry of the server-rendered SVG charts (the timeline of reports, taxonomy value counts).

Pure functions: they turn counts into bars with coordinates in a fixed viewBox, so templates
only print numbers (no script, no inline style: the CSP forbids both; colours come from CSS).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TIMELINE_WIDTH = 400
TIMELINE_BAR_AREA = 100  # the tallest bar; labels sit below it
# Up to this many months between the first and last report the timeline counts by month.
MONTHLY_SPAN = 36
TICK_MARGIN = 24
MAX_TICKS = 6
BAR_CHART_WIDTH = 400
BAR_ROW_HEIGHT = 36
BAR_HEIGHT = 12


@dataclass(frozen=True)
class Column:
    label: str  # "March 2018" or "2018"
    short_label: str  # "Mar 2018", or "" when no tick is printed under it
    iso: str  # "2018-03" or "2018", for <time datetime>
    count: int
    x: float
    width: float
    y: float
    height: float

    @property
    def label_x(self) -> float:
        # Tick labels are centred under their bar, kept inside the chart.
        return min(max(self.x + self.width / 2, TICK_MARGIN), TIMELINE_WIDTH - TICK_MARGIN)


@dataclass(frozen=True)
class Timeline:
    columns: list[Column]
    by_month: bool
    height: int
    width: int = TIMELINE_WIDTH

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)

    @property
    def first_label(self) -> str:
        return self.columns[0].label

    @property
    def last_label(self) -> str:
        return self.columns[-1].label

    @property
    def axis_y(self) -> int:
        return TIMELINE_BAR_AREA

    @property
    def tick_y(self) -> int:
        return TIMELINE_BAR_AREA + 14


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def report_timeline(dates: Iterable[datetime.date | None]) -> Timeline | None:
    """Reports per month (or per year when they span more than three years), every period
    between the first and the last shown, empty ones included, so time reads left to right."""
    known = sorted(d for d in dates if d is not None)
    if not known:
        return None
    first, last = known[0], known[-1]
    by_month = (last.year - first.year) * 12 + last.month - first.month < MONTHLY_SPAN
    if by_month:
        periods = _months(first, last)
        counts = Counter(d.replace(day=1) for d in known)
        keys = [(p, f"{p:%B} {p.year}", f"{p:%b} {p.year}", f"{p:%Y-%m}") for p in periods]
    else:
        counts = Counter(datetime.date(d.year, 1, 1) for d in known)
        keys = [
            (datetime.date(y, 1, 1), str(y), str(y), str(y))
            for y in range(first.year, last.year + 1)
        ]
    n = len(keys)
    slot = TIMELINE_WIDTH / n
    tallest = max(counts.values())
    # A few labels at most, each in the middle of its group of bars, so they never overlap.
    every = max(1, -(-n // MAX_TICKS))
    columns = []
    for i, (key, label, short, iso) in enumerate(keys):
        count = counts.get(key, 0)
        height = round(TIMELINE_BAR_AREA * count / tallest, 1) if count else 0.0
        columns.append(
            Column(
                label=label,
                short_label=short if i % every == every // 2 else "",
                iso=iso,
                count=count,
                x=round(i * slot + slot * 0.1, 1),
                width=round(max(slot * 0.8, 1.0), 1),
                y=round(TIMELINE_BAR_AREA - height, 1),
                height=height,
            )
        )
    return Timeline(columns=columns, by_month=by_month, height=TIMELINE_BAR_AREA + 20)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    href: str
    y: float
    width: float
    label_y: float

    @property
    def row_y(self) -> float:
        return self.label_y - 13

    @property
    def value_x(self) -> float:
        return self.width + 4

    @property
    def value_y(self) -> float:
        return self.y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = BAR_CHART_WIDTH
    label_chars: int = 56
    bar_height: int = BAR_HEIGHT
    row_height: int = BAR_ROW_HEIGHT


def bar_chart(rows: Sequence[tuple[str, int, str]]) -> BarChart:
    """Horizontal bars for (label, count, link) rows, the longest bar spanning the chart."""
    tallest = max((count for _, count, _ in rows), default=0) or 1
    usable = BAR_CHART_WIDTH - 40  # room for the count printed after the bar
    bars = [
        Bar(
            label=label,
            count=count,
            href=href,
            label_y=i * BAR_ROW_HEIGHT + 13,
            y=i * BAR_ROW_HEIGHT + 18,
            width=round(usable * count / tallest, 1) if count else 0.0,
        )
        for i, (label, count, href) in enumerate(rows)
    ]
    return BarChart(bars=bars, height=max(len(rows), 1) * BAR_ROW_HEIGHT)
