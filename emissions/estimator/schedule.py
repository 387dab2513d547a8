"""Time-resolved grid intensity: footprints over a series, best start windows and ramp plans.

A series is a CSV of ``timestamp,intensity_g_per_kwh`` at a constant step of 5 to 60 minutes;
each value holds from its timestamp to the next. Prefix sums of intensity x hours make the
integral over any interval O(1), so:

- ``footprint_over_series`` is O(1) per run after an O(n) load;
- ``best_start_window`` is O(n): the cost of a start time is piecewise linear with breaks
  where the start or the end crosses a step boundary, so evaluating the earliest start, the
  latest start and every start or end aligned to a boundary finds the exact optimum;
- ``ramp_plan`` spreads device-hours over the cheapest intervals under a concurrency cap. That
  is a fractional knapsack with equal weights: filling intervals cheapest first is optimal.
  It sorts the intervals, O(n log n) (in C; a year of 15-minute steps sorts in a few ms).

Every result carries the cost of starting at ``earliest`` ("now") at full speed, so the
saving is explicit and never negative: "now" is always one of the candidates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from .errors import EstimatorInputError
from .model import MAX_INTENSITY_G_PER_KWH


@dataclass(frozen=True, slots=True, eq=False)
class IntensitySeries:
    """A regular grid-intensity series. ``values[i]`` holds over
    ``[start + i * step, start + (i + 1) * step)``."""

    start: datetime
    step_minutes: int
    values: tuple[float, ...]
    source: str = ""  # where the values come from, for labels (series_formats.py sets it)
    _prefix: list[float] = field(init=False, repr=False)
    _weights: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 5 <= self.step_minutes <= 60:
            raise EstimatorInputError(
                f"step must be 5-60 minutes, got {self.step_minutes}", "step_minutes"
            )
        if len(self.values) < 2:
            raise EstimatorInputError("a series needs at least two values", "values")
        object.__setattr__(self, "values", tuple(float(v) for v in self.values))
        step_h = self.step_minutes / 60
        weights = [v * step_h for v in self.values]  # g/kWh x hours of each interval
        object.__setattr__(self, "_weights", weights)
        object.__setattr__(self, "_prefix", [0.0, *accumulate(weights)])

    @classmethod
    def from_csv(cls, text: str) -> IntensitySeries:
        """Parse ``timestamp,intensity_g_per_kwh`` rows (header optional). Refuses gaps,
        duplicates, irregular steps and mixed time zones with the line number."""
        rows = [
            (n, line)
            for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if rows and not rows[0][1].lstrip()[:1].isdigit():
            header = [h.strip().lower() for h in rows[0][1].split(",")]
            if header != ["timestamp", "intensity_g_per_kwh"]:
                raise EstimatorInputError(
                    "header must be timestamp,intensity_g_per_kwh", f"line {rows[0][0]}"
                )
            rows = rows[1:]
        if len(rows) < 2:
            raise EstimatorInputError("a series needs at least two rows", "line 1")
        times: list[datetime] = []
        values: list[float] = []
        for n, line in rows:
            parts = line.split(",")
            if len(parts) != 2:
                raise EstimatorInputError(f"expected 2 fields, got {len(parts)}", f"line {n}")
            try:
                stamp = datetime.fromisoformat(parts[0].strip())
            except ValueError:
                raise EstimatorInputError(
                    f"{parts[0].strip()!r} is not an ISO 8601 time", f"line {n}"
                ) from None
            try:
                value = float(parts[1])
            except ValueError:
                raise EstimatorInputError(
                    f"{parts[1].strip()!r} is not a number", f"line {n}"
                ) from None
            if not 0 <= value <= MAX_INTENSITY_G_PER_KWH or math.isnan(value):
                raise EstimatorInputError(
                    f"intensity {value:g} g/kWh is outside 0-{MAX_INTENSITY_G_PER_KWH:g}",
                    f"line {n}",
                )
            if times and (stamp.tzinfo is None) != (times[0].tzinfo is None):
                raise EstimatorInputError("mixes times with and without a UTC offset", f"line {n}")
            times.append(stamp)
            values.append(value)
        step = times[1] - times[0]
        minutes = step.total_seconds() / 60
        if not minutes.is_integer() or not 5 <= minutes <= 60:
            raise EstimatorInputError(
                f"step of {minutes:g} minutes; use 5-60 whole minutes", f"line {rows[1][0]}"
            )
        for i in range(1, len(times)):
            if times[i] - times[i - 1] != step:
                gap = (times[i] - times[i - 1]).total_seconds() / 60
                raise EstimatorInputError(
                    f"{gap:g} minutes after the previous row, expected {minutes:g} "
                    "(missing, duplicate or unsorted rows?)",
                    f"line {rows[i][0]}",
                )
        return cls(times[0], int(minutes), tuple(values))

    @property
    def step_hours(self) -> float:
        return self.step_minutes / 60

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.step_minutes * len(self.values))

    def position(self, when: datetime, field: str = "") -> float:
        """Where ``when`` falls, in steps from the start; refuses times outside the series."""
        if (when.tzinfo is None) != (self.start.tzinfo is None):
            raise EstimatorInputError(
                "time and series must both have a UTC offset or neither", field
            )
        pos = (when - self.start).total_seconds() / (self.step_minutes * 60)
        if pos < -1e-9 or pos > len(self.values) + 1e-9:
            raise EstimatorInputError(
                f"{when.isoformat()} is outside the series ({self.start.isoformat()} to "
                f"{self.end.isoformat()})",
                field,
            )
        return min(max(pos, 0.0), float(len(self.values)))

    def _integral_to(self, pos: float) -> float:
        """Integral of intensity x hours from the series start to ``pos`` (in steps)."""
        k = int(pos)
        if k >= len(self.values):
            return self._prefix[-1]
        return self._prefix[k] + (pos - k) * self.values[k] * self.step_hours

    def mean_intensity(self, start: datetime, end: datetime, field: str = "") -> float:
        """Time-weighted mean g/kWh over ``[start, end)``."""
        a, b = self.position(start, f"{field}.start"), self.position(end, f"{field}.end")
        if b <= a:
            raise EstimatorInputError("end must be after start", f"{field}.end")
        return (self._integral_to(b) - self._integral_to(a)) / ((b - a) * self.step_hours)


@dataclass(frozen=True, slots=True)
class SeriesFootprint:
    start: datetime
    end: datetime
    energy_kwh: float
    mean_intensity_g_per_kwh: float
    tco2e: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "energy_kwh": self.energy_kwh,
            "tco2e": self.tco2e,
            "mean_intensity_g_per_kwh": self.mean_intensity_g_per_kwh,
        }


def footprint_over_series(
    series: IntensitySeries, start: datetime, end: datetime, *, energy_kwh: float
) -> SeriesFootprint:
    """tCO2e of ``energy_kwh`` drawn at constant power over ``[start, end)``."""
    if not energy_kwh > 0:
        raise EstimatorInputError(f"must be greater than 0, got {energy_kwh!r}", "energy_kwh")
    mean = series.mean_intensity(start, end)
    return SeriesFootprint(start, end, energy_kwh, mean, energy_kwh * mean / 1e6)


@dataclass(frozen=True, slots=True)
class WindowResult:
    """The lowest-carbon start for a job of fixed length, against starting at ``earliest``."""

    start: datetime
    end: datetime
    duration_hours: float
    energy_kwh: float
    tco2e: float
    mean_intensity_g_per_kwh: float
    now_start: datetime
    now_tco2e: float
    saving_tco2e: float
    saving_fraction: float

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        for key in ("start", "end", "now_start"):
            out[key] = out[key].isoformat()
        return out


def _bounds(
    series: IntensitySeries, earliest: datetime | None, deadline: datetime | None
) -> tuple[float, float]:
    a = series.position(earliest, "earliest") if earliest else 0.0
    b = series.position(deadline, "deadline") if deadline else float(len(series.values))
    if b <= a:
        raise EstimatorInputError("deadline must be after earliest", "deadline")
    return a, b


def _time(series: IntensitySeries, pos: float) -> datetime:
    return series.start + timedelta(minutes=series.step_minutes * pos)


def _aligned_candidates(
    series: IntensitySeries, a: float, b: float, length: float
) -> list[tuple[float, float]]:
    """The cheapest start among those on a step boundary and those whose end is on one, as
    (cost, position). Whole-list arithmetic on the prefix sums, so a year of 15-minute steps
    takes milliseconds."""
    prefix, weights = series._prefix, series._weights
    m = int(length)
    f = length - m
    out = []
    k0, k1 = math.ceil(a), math.floor(b - length)  # starts k with a <= k <= b - length
    if k0 <= k1:
        starts, ends = prefix[k0 : k1 + 1], prefix[k0 + m : k1 + m + 1]
        if f > 0:
            tails = weights[k0 + m : k1 + m + 1]
            costs = [e - s + f * t for s, e, t in zip(starts, ends, tails, strict=True)]
        else:
            costs = [e - s for s, e in zip(starts, ends, strict=True)]
        best = min(costs)
        out.append((best, float(k0 + costs.index(best))))
    if f > 0:  # ends j with a + length <= j <= b; the start is j - length, inside a step
        j0, j1 = math.ceil(a + length), math.floor(b)
        if j0 <= j1:
            g = 1 - f
            ends, starts = prefix[j0 : j1 + 1], prefix[j0 - m - 1 : j1 - m]
            heads = weights[j0 - m - 1 : j1 - m]
            costs = [e - s - g * h for e, s, h in zip(ends, starts, heads, strict=True)]
            best = min(costs)
            out.append((best, j0 + costs.index(best) - length))
    return out


def best_start_window(
    series: IntensitySeries,
    duration_hours: float,
    *,
    earliest: datetime | None = None,
    deadline: datetime | None = None,
    power_kw: float = 1.0,
) -> WindowResult:
    """The start in ``[earliest, deadline - duration]`` with the least tCO2e for a job running
    ``duration_hours`` at constant ``power_kw`` (facility power). Ties go to the earlier start.
    Defaults: ``earliest`` = series start, ``deadline`` = series end."""
    if not 0 < duration_hours < 1e6 or not 0 < power_kw < 1e9:
        raise EstimatorInputError("duration_hours and power_kw must be positive", "duration_hours")
    a, b = _bounds(series, earliest, deadline)
    length = duration_hours / series.step_hours
    last = b - length
    if last < a - 1e-9:
        raise EstimatorInputError(
            f"a {duration_hours:g} h job does not fit between earliest and deadline", "deadline"
        )
    last = max(last, a)
    integral = series._integral_to
    now_cost = integral(a + length) - integral(a)
    candidates = [(now_cost, a), (integral(last + length) - integral(last), last)]
    candidates += _aligned_candidates(series, a, b, length)
    best_cost, best_pos = now_cost, a
    for cost, pos in candidates:
        # Move away from "now" only for a real saving, not floating-point noise.
        if cost < best_cost - 1e-12 * abs(best_cost) or (cost == best_cost and pos < best_pos):
            best_cost, best_pos = cost, pos
    energy = power_kw * duration_hours
    tco2e, now_tco2e = best_cost * power_kw / 1e6, now_cost * power_kw / 1e6
    return WindowResult(
        start=_time(series, best_pos),
        end=_time(series, best_pos + length),
        duration_hours=duration_hours,
        energy_kwh=energy,
        tco2e=tco2e,
        mean_intensity_g_per_kwh=best_cost / duration_hours,
        now_start=_time(series, a),
        now_tco2e=now_tco2e,
        saving_tco2e=now_tco2e - tco2e,
        saving_fraction=(now_tco2e - tco2e) / now_tco2e if now_tco2e else 0.0,
    )


@dataclass(frozen=True, slots=True)
class RampSegment:
    """``devices`` running from ``start`` to ``end`` (fractional in a marginal interval)."""

    start: datetime
    end: datetime
    devices: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "devices": self.devices,
        }


@dataclass(frozen=True, slots=True)
class RampPlan:
    """Device-hours spread over the cheapest intervals, against running them ASAP."""

    segments: tuple[RampSegment, ...]
    device_hours: float
    max_concurrency: int
    energy_kwh: float
    tco2e: float
    finish: datetime
    now_tco2e: float
    now_finish: datetime
    saving_tco2e: float
    saving_fraction: float

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        out["segments"] = [s.to_dict() for s in self.segments]
        out["finish"], out["now_finish"] = self.finish.isoformat(), self.now_finish.isoformat()
        return out


def ramp_plan(
    series: IntensitySeries,
    device_hours: float,
    *,
    max_concurrency: int,
    earliest: datetime | None = None,
    deadline: datetime | None = None,
    power_kw_per_device: float = 1.0,
) -> RampPlan:
    """Run ``device_hours`` of interruptible work (checkpointed training) with at most
    ``max_concurrency`` devices at a time, in the lowest-intensity intervals before
    ``deadline``. The baseline ("now") runs at full concurrency from ``earliest`` until done."""
    if (
        isinstance(max_concurrency, bool)
        or not isinstance(max_concurrency, int)
        or (max_concurrency < 1)
    ):
        raise EstimatorInputError("must be a whole number >= 1", "max_concurrency")
    if not 0 < device_hours < 1e10 or not 0 < power_kw_per_device < 1e6:
        raise EstimatorInputError("device_hours and power must be positive", "device_hours")
    a, b = _bounds(series, earliest, deadline)
    first, last = math.floor(a), math.ceil(b)
    n = last - first
    values = series.values[first:last]
    # Capacity (device-hours) of each interval overlapped by [a, b): full except at the ends.
    full = series.step_hours * max_concurrency
    capacity = [full] * n
    capacity[0] = (min(b, first + 1) - a) * full
    capacity[-1] = (b - max(a, last - 1)) * full
    total = sum(capacity)
    if total < device_hours * (1 - 1e-12):
        raise EstimatorInputError(
            f"{device_hours:g} device-hours do not fit before the deadline at {max_concurrency} "
            f"devices (capacity {total:g})",
            "device_hours",
        )

    def fill(order: Iterable[int]) -> tuple[dict[int, float], float]:
        remaining, plan, cost = device_hours, {}, 0.0
        for j in order:
            if remaining <= 0:
                break
            take = min(capacity[j], remaining)
            plan[j] = take
            cost += take * values[j]
            remaining -= take
        return plan, cost

    asap, now_cost = fill(range(n))
    plan, cost = fill(sorted(range(n), key=values.__getitem__))  # stable: ties go earlier
    if cost > now_cost:  # float noise only: the greedy plan is optimal
        plan, cost = asap, now_cost
    spans: list[list[float]] = []  # [start, end, devices] in steps, merged when contiguous
    for j in sorted(plan):
        seg_start, seg_end = max(a, first + j), min(b, first + j + 1)
        devices = plan[j] / ((seg_end - seg_start) * series.step_hours)
        if spans and spans[-1][2] == devices and spans[-1][1] == seg_start:
            spans[-1][1] = seg_end
        else:
            spans.append([seg_start, seg_end, devices])
    segments = [RampSegment(_time(series, s), _time(series, e), d) for s, e, d in spans]
    scale = power_kw_per_device / 1e6
    tco2e, now_tco2e = cost * scale, now_cost * scale
    return RampPlan(
        segments=tuple(segments),
        device_hours=device_hours,
        max_concurrency=max_concurrency,
        energy_kwh=device_hours * power_kw_per_device,
        tco2e=tco2e,
        finish=segments[-1].end,
        now_tco2e=now_tco2e,
        now_finish=_time(series, min(b, first + max(asap) + 1)),
        saving_tco2e=now_tco2e - tco2e,
        saving_fraction=(now_tco2e - tco2e) / now_tco2e if now_tco2e else 0.0,
    )
