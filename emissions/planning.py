"""The planner for a training run not yet started: its footprint where it would run, the
lowest-carbon start window and a ramp plan over a grid-intensity series.

The arithmetic is the estimator's (`estimate_training_footprint`, `best_start_window`,
`ramp_plan`); this module chooses the inputs and reads the demo series: six real days of Great
Britain's half-hourly grid intensity (National Grid ESO's Carbon Intensity API, CC BY 4.0; source,
provenance and licence in the fixture's sidecar note).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from emissions.estimator import (
    EstimatorInputError,
    IntensitySeries,
    best_start_window,
    ramp_plan,
    read_intensity_series,
)
from emissions.previews import footprint_preview

DEMO_SERIES_PATH = Path(settings.BASE_DIR) / "fixtures" / "grid_intensity_gb_2023-03-13_19.json"
# What a page says wherever the demo series is used (CC BY 4.0 asks for the source and licence).
DEMO_SERIES_ATTRIBUTION = (
    "Great Britain's national grid, half-hourly, 13-19 March 2023: estimated actuals of the "
    "Carbon Intensity API, National Grid ESO (carbonintensity.org.uk), CC BY 4.0"
)


@dataclass(frozen=True)
class Plan:
    footprint: dict[str, Any]
    series_label: str
    window: dict[str, Any] | None
    ramp: dict[str, Any] | None
    problems: list[str]
    series: IntensitySeries | None = None
    # What "start now" means for this series, in words.
    now_label: str = ""


@lru_cache(maxsize=1)
def demo_series() -> IntensitySeries:
    return read_intensity_series(DEMO_SERIES_PATH.read_text(), value="actual")


def readable_time(moment: datetime) -> str:
    """``Tue 3 Mar 2026, 16:15 UTC``: a time a person reads at a glance."""
    moment = moment.astimezone(UTC)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} UTC"


def demo_series_from(now: datetime, *, intensity_g_per_kwh: float) -> IntensitySeries:
    """The demo series turned to start at `now` (the same time of day: it spans whole days) and
    scaled so its mean is the location's yearly average: its shape is a real grid's, its level
    is the catalog's, so "start now" and the gross footprint agree in level."""
    demo = demo_series()
    step = demo.step_minutes
    now = now.astimezone(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=now.minute % step)
    offset = int((start - demo.start).total_seconds() // 60 // step) % len(demo.values)
    mean = sum(demo.values) / len(demo.values)
    scale = intensity_g_per_kwh / mean if mean > 0 else 1.0
    values = demo.values[offset:] + demo.values[:offset]
    return IntensitySeries(start=start, step_minutes=step, values=tuple(v * scale for v in values))


def plan_training(
    *,
    run: dict[str, Any],
    series_csv: str | None = None,
    max_concurrency: int | None = None,
    deadline_hours: float | None = None,
    now: datetime | None = None,
) -> Plan:
    """Plan `run` (one estimator run object with count and hours) over a series.

    Raises `EstimatorInputError` for a run or series the estimator refuses; a plan that does
    not fit the series (too long, deadline too early) is reported in `problems` instead.
    """
    footprint = footprint_preview(runs=[run])["footprint"]
    if series_csv:
        series = read_intensity_series(series_csv, naive_ok=True, value="forecast")
        label = f"your uploaded series ({series.source})"
        now_label = f"the series' first timestamp, {readable_time(series.start)}"
    else:
        intensity = footprint["gross_tco2e"] * 1e6 / footprint["energy_kwh"]
        series = demo_series_from(now or timezone.now(), intensity_g_per_kwh=intensity)
        label = (
            f"the demo series: the shape of {DEMO_SERIES_ATTRIBUTION}, turned to start now at "
            f"the same time of day and scaled to this location's yearly average of "
            f"{intensity:.0f} g/kWh, so that starting now costs about the gross figure above"
        )
        now_label = f"now, {readable_time(series.start)}"
    hours = float(run["hours"])
    device_hours = footprint.get("device_hours") or float(run["count"]) * hours
    deadline = series.start + timedelta(hours=deadline_hours) if deadline_hours else None
    # Facility power: the estimator's energy spread evenly over the run (and per device-hour).
    power_kw = footprint["energy_kwh"] / hours
    problems: list[str] = []
    window = ramp = None
    try:
        window = best_start_window(series, hours, deadline=deadline, power_kw=power_kw).to_dict()
    except EstimatorInputError as error:
        problems.append(f"Start window: {error.message}")
    try:
        ramp = ramp_plan(
            series,
            device_hours,
            max_concurrency=max_concurrency or int(run["count"]),
            deadline=deadline,
            power_kw_per_device=footprint["energy_kwh"] / device_hours,
        ).to_dict()
    except EstimatorInputError as error:
        problems.append(f"Ramp plan: {error.message}")
    return Plan(
        footprint=footprint,
        series_label=label,
        window=window,
        ramp=ramp,
        problems=problems,
        series=series,
        now_label=now_label,
    )
