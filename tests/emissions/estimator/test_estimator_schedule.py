"""Time-resolved intensity: series parsing, best start windows and ramp plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emissions.estimator import (
    EstimatorInputError,
    IntensitySeries,
    best_start_window,
    footprint_over_series,
    ramp_plan,
)

START = datetime(2025, 6, 1)


def csv_series(values, step_minutes=60, start=START, header=True) -> str:
    rows = ["timestamp,intensity_g_per_kwh"] if header else []
    for i, value in enumerate(values):
        rows.append(f"{(start + timedelta(minutes=step_minutes * i)).isoformat()},{value}")
    return "\n".join(rows) + "\n"


def series(*values, step=60) -> IntensitySeries:
    return IntensitySeries(START, step, tuple(float(v) for v in values))


def test_it_parses_a_series_with_or_without_header():
    with_header = IntensitySeries.from_csv(csv_series([100, 200, 300], 15))
    without = IntensitySeries.from_csv(csv_series([100, 200, 300], 15, header=False))
    assert with_header.values == without.values == (100.0, 200.0, 300.0)
    assert with_header.step_minutes == 15
    assert with_header.end == START + timedelta(minutes=45)


def test_it_parses_utc_offsets():
    parsed = IntensitySeries.from_csv("2025-06-01T00:00:00Z,10\n2025-06-01T00:30:00Z,20\n")
    assert parsed.start == datetime(2025, 6, 1, tzinfo=UTC)
    assert parsed.step_minutes == 30


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("timestamp,intensity_g_per_kwh\n", "line 1", "at least two"),
        ("time,value\n2025-06-01T00:00:00,1\n2025-06-01T01:00:00,1\n", "line 1", "header"),
        ("2025-06-01T00:00:00,1\n2025-06-01T01:00:00\n", "line 2", "2 fields"),
        ("2025-06-01T00:00:00,1\nsoon,1\n", "line 2", "ISO 8601"),
        ("2025-06-01T00:00:00,1\n2025-06-01T01:00:00,lots\n", "line 2", "not a number"),
        ("2025-06-01T00:00:00,1\n2025-06-01T01:00:00,-4\n", "line 2", "outside"),
        ("2025-06-01T00:00:00,1\n2025-06-01T00:01:00,1\n", "line 2", "5-60"),
        ("2025-06-01T00:00:00,1\n2025-06-01T02:00:00,1\n", "line 2", "5-60"),
        (
            "2025-06-01T00:00:00,1\n2025-06-01T01:00:00,1\n2025-06-01T03:00:00,1\n",
            "line 3",
            "missing, duplicate or unsorted",
        ),
        ("2025-06-01T00:00:00,1\n2025-06-01T01:00:00Z,1\n", "line 2", "UTC offset"),
    ],
)
def test_it_refuses_malformed_series(text, field, words):
    with pytest.raises(EstimatorInputError) as caught:
        IntensitySeries.from_csv(text)
    assert caught.value.field == field
    assert words in caught.value.message


def test_it_computes_a_footprint_over_a_partial_interval():
    result = footprint_over_series(
        series(100, 300),
        START + timedelta(minutes=30),
        START + timedelta(minutes=90),
        energy_kwh=10,
    )
    assert result.mean_intensity_g_per_kwh == pytest.approx(200)
    assert result.tco2e == pytest.approx(10 * 200 / 1e6)


def test_it_refuses_a_run_outside_the_series():
    with pytest.raises(EstimatorInputError, match="outside the series"):
        footprint_over_series(series(1, 2), START, START + timedelta(hours=3), energy_kwh=1)


def test_it_finds_the_cleanest_start_aligned_to_a_step():
    result = best_start_window(series(500, 400, 100, 50, 300, 600), 2, power_kw=1000)
    assert result.start == START + timedelta(hours=2)
    assert result.tco2e == pytest.approx(150 * 1000 / 1e6)
    assert result.now_tco2e == pytest.approx(900 * 1000 / 1e6)
    assert result.saving_fraction == pytest.approx(1 - 150 / 900)


def test_it_finds_a_start_whose_end_is_aligned_to_a_step():
    # 1.5 h job: best is to start half-way into the 50 and end with the 0.
    result = best_start_window(series(900, 50, 0, 900), 1.5)
    assert result.start == START + timedelta(minutes=90)
    assert result.mean_intensity_g_per_kwh == pytest.approx((0.5 * 50 + 1 * 0) / 1.5)


def test_it_starts_now_when_nothing_is_cleaner():
    result = best_start_window(series(100, 100, 100, 100), 2)
    assert result.start == result.now_start == START
    assert result.saving_tco2e == 0


def test_it_respects_earliest_and_deadline():
    values = (0, 500, 400, 300, 200, 0)
    result = best_start_window(
        series(*values), 1, earliest=START + timedelta(hours=1), deadline=START + timedelta(hours=5)
    )
    assert result.start == START + timedelta(hours=4)


def test_it_refuses_a_job_that_cannot_meet_the_deadline():
    with pytest.raises(EstimatorInputError, match="does not fit"):
        best_start_window(series(1, 2, 3), 2, earliest=START + timedelta(hours=2))


def test_it_ramps_into_the_cheapest_intervals_under_the_cap():
    plan = ramp_plan(series(500, 100, 400, 50), 6, max_concurrency=4)
    assert [(s.start.hour, s.end.hour, s.devices) for s in plan.segments] == [
        (1, 2, 2.0),
        (3, 4, 4.0),
    ]
    assert plan.tco2e == pytest.approx((2 * 100 + 4 * 50) / 1e6)
    assert plan.now_tco2e == pytest.approx((4 * 500 + 2 * 100) / 1e6)
    assert plan.now_finish == START + timedelta(hours=2)


def test_it_refuses_a_ramp_that_does_not_fit():
    with pytest.raises(EstimatorInputError, match="do not fit"):
        ramp_plan(series(1, 2), 9, max_concurrency=4)


def test_it_refuses_a_non_integer_concurrency():
    with pytest.raises(EstimatorInputError):
        ramp_plan(series(1, 2), 1, max_concurrency=2.5)  # type: ignore[arg-type]
