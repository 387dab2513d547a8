"""The planner for a training run not yet started: its footprint where it would run, the
lowest-carbon start window and a ramp plan over a grid-intensity series.

The arithmetic is the estimator's (`estimate_training_footprint`, `best_start_window`,
`ramp_plan`); this module chooses the inputs and reads the demo series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from emissions.estimator import (
    EstimatorInputError,
    IntensitySeries,
    best_start_window,
    ramp_plan,
    read_intensity_series,
)
from emissions.previews import footprint_preview

DEMO_SERIES_PATH = Path(settings.BASE_DIR) / "fixtures" / "grid_intensity_demo.csv"


@dataclass(frozen=True)
class Plan:
    footprint: dict[str, Any]
    series_label: str
    window: dict[str, Any] | None
    ramp: dict[str, Any] | None
    problems: list[str]


@lru_cache(maxsize=1)
def demo_series() -> IntensitySeries:
    return IntensitySeries.from_csv(DEMO_SERIES_PATH.read_text())


def plan_training(
    *,
    run: dict[str, Any],
    series_csv: str | None = None,
    max_concurrency: int | None = None,
    deadline_hours: float | None = None,
) -> Plan:
    """Plan `run` (one estimator run object with count and hours) over a series.

    Raises `EstimatorInputError` for a run or series the estimator refuses; a plan that does
    not fit the series (too long, deadline too early) is reported in `problems` instead.
    """
    footprint = footprint_preview(runs=[run])["footprint"]
    if series_csv:
        series = read_intensity_series(series_csv, naive_ok=True, value="forecast")
        label = f"your uploaded series ({series.source})"
    else:
        series, label = demo_series(), "the synthetic demo week (fixtures/grid_intensity_demo.csv)"
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
        footprint=footprint, series_label=label, window=window, ramp=ramp, problems=problems
    )
