"""Real intensity series: Electricity Maps CSV exports, UK Carbon Intensity API JSON, generic CSV.

The layouts follow the publishers' documentation (cited in ``series_formats.py``); the values
below are made up for the tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from emissions.estimator import (
    DisclosureInput,
    EstimatorInputError,
    RunInput,
    estimate_training_footprint,
    read_intensity_series,
)

EM_HEADER = (
    "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
    "Carbon Intensity gCO₂eq/kWh (life cycle assessment),Low Carbon Percentage,"
    "Renewable Percentage,Data Source,Data Estimated,Data Estimation Method"
)


def em_csv(*rows: tuple[str, float, float]) -> str:
    lines = [EM_HEADER]
    for stamp, direct, lca in rows:
        lines.append(f"{stamp},France,France,FR,{direct},{lca},90.1,30.2,entsoe.eu,false,")
    return "\n".join(lines) + "\n"


def uk_json(*periods: tuple[str, str, float | None, float]) -> str:
    return json.dumps(
        {
            "data": [
                {"from": a, "to": b, "intensity": {"forecast": f, "actual": x, "index": "low"}}
                for a, b, x, f in periods
            ]
        }
    )


EM = em_csv(
    ("2023-01-01 00:00:00", 20, 40),
    ("2023-01-01 01:00:00", 30, 60),
    ("2023-01-01 02:00:00", 40, 80),
)
UK = uk_json(
    ("2024-03-01T00:00Z", "2024-03-01T00:30Z", 100, 110),
    ("2024-03-01T00:30Z", "2024-03-01T01:00Z", 200, 190),
    ("2024-03-01T01:00Z", "2024-03-01T01:30Z", None, 300),
)


def test_it_reads_an_electricity_maps_export_as_utc_life_cycle_figures():
    series = read_intensity_series(EM)
    assert series.start == datetime(2023, 1, 1, tzinfo=UTC)
    assert (series.step_minutes, series.values) == (60, (40.0, 60.0, 80.0))
    assert series.source == "Electricity Maps FR (lca), ODbL"


def test_it_reads_the_direct_column_on_request_and_the_short_lca_header():
    assert read_intensity_series(EM, basis="direct").values == (20.0, 30.0, 40.0)
    short = EM.replace("(life cycle assessment)", "(LCA)")
    assert read_intensity_series(short).values == (40.0, 60.0, 80.0)


def test_it_refuses_a_gap_in_an_electricity_maps_export():
    text = em_csv(
        ("2023-01-01 00:00:00", 1, 2), ("2023-01-01 01:00:00", 1, 2), ("2023-01-01 03:00:00", 1, 2)
    )
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(text)
    assert caught.value.field == "line 4"
    assert "a gap" in caught.value.message


def test_it_reads_the_uk_api_forecast_for_periods_not_yet_closed():
    series = read_intensity_series(UK, value="forecast")
    assert series.start == datetime(2024, 3, 1, tzinfo=UTC)
    assert (series.step_minutes, series.values) == (30, (110.0, 190.0, 300.0))
    assert "CC BY 4.0" in series.source


def test_it_refuses_a_missing_actual_figure_naming_the_period():
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(UK)
    assert caught.value.field == "data[2].intensity.actual"
    assert "forecast" in caught.value.message


def test_it_refuses_uk_periods_that_do_not_join():
    text = uk_json(
        ("2024-03-01T00:00Z", "2024-03-01T00:30Z", 100, 110),
        ("2024-03-01T01:00Z", "2024-03-01T01:30Z", 100, 110),
    )
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(text)
    assert caught.value.field == "data[1].from"


def test_it_reads_kg_per_mwh_as_g_per_kwh():
    text = "timestamp,kg/MWh\n2024-01-01T00:00Z,100\n2024-01-01T00:15Z,120\n"
    assert read_intensity_series(text).values == (100.0, 120.0)


@pytest.mark.parametrize("unit", ["kg/kWh", "lbs/MWh", "t/MWh", "gCO2/MJ"])
def test_it_refuses_any_other_unit(unit):
    text = f"timestamp,{unit}\n2024-01-01T00:00Z,0.1\n2024-01-01T00:15Z,0.12\n"
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(text)
    assert caught.value.field == "line 1"
    assert "not in g/kWh or kg/MWh" in caught.value.message


def test_it_refuses_naive_times_unless_a_time_zone_is_declared():
    text = "timestamp,g/kWh\n2024-07-01T00:00,100\n2024-07-01T01:00,120\n"
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(text)
    assert caught.value.field == "line 2"
    assert "no UTC offset" in caught.value.message
    london = read_intensity_series(text, timezone="Europe/London")
    assert london.start == datetime(2024, 6, 30, 23, 0, tzinfo=UTC)  # BST is UTC+1
    assert read_intensity_series(text, timezone="+02:00").start.hour == 22


def test_it_shows_a_local_time_dst_change_as_a_gap():
    text = "timestamp,g/kWh\n2024-03-31T00:00,100\n2024-03-31T01:00,100\n2024-03-31T02:00,100\n"
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series(text, timezone="Europe/London")
    # 01:00 does not exist that night: 02:00 BST is 01:00 UTC again.
    assert caught.value.field == "line 4"
    assert "repeated" in caught.value.message


def test_it_refuses_an_unknown_time_zone():
    with pytest.raises(EstimatorInputError) as caught:
        read_intensity_series("timestamp,g/kWh\n2024-01-01T00:00,1\n", timezone="Mars/Olympus")
    assert caught.value.field == "timezone"


def test_a_run_uses_the_real_series_mean_over_its_hours():
    run = RunInput(
        energy_kwh=1000,
        pue=1.0,
        start=datetime(2023, 1, 1, 0, 30, tzinfo=UTC),
        end=datetime(2023, 1, 1, 2, 30, tzinfo=UTC),
    )
    fp = estimate_training_footprint(
        DisclosureInput(runs=(run,)), intensity_series=read_intensity_series(EM)
    )
    # Half an hour at 40, an hour at 60, half an hour at 80: mean 60 g/kWh.
    assert fp.gross_tco2e == pytest.approx(1000 * 60 / 1e6)
