"""Property tests of the estimator arithmetic (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emissions.estimator import (
    Claim,
    DisclosureInput,
    IntensitySeries,
    Location,
    RunInput,
    best_start_window,
    convert,
    disclosure_to_dict,
    estimate_training_footprint,
    load_catalog,
    parse_disclosure,
    ramp_plan,
    verify_claim,
)
from emissions.estimator.units import (
    ENERGY_IN_KWH,
    INTENSITY_IN_G_PER_KWH,
    MASS_IN_T,
    POWER_IN_W,
    TIME_IN_HOURS,
)

CATALOG = load_catalog()
ACCELERATORS = sorted(CATALOG.accelerators)
COUNTRIES = sorted(CATALOG.countries)
CLOUD_REGIONS = sorted(CATALOG.cloud_regions)

accelerators = st.sampled_from(ACCELERATORS)
counts = st.integers(min_value=1, max_value=4096)
hours = st.floats(min_value=0.01, max_value=5000, allow_nan=False)
pues = st.floats(min_value=1.0, max_value=3.0, allow_nan=False)
intensities = st.floats(min_value=2.0, max_value=2000.0, allow_nan=False)
factors = st.floats(min_value=0.01, max_value=100.0, allow_nan=False)
locations = st.one_of(
    st.none(),
    st.builds(Location, country=st.sampled_from(COUNTRIES)),
    st.sampled_from(CLOUD_REGIONS).map(lambda p: Location(cloud_provider=p[0], cloud_region=p[1])),
    st.builds(Location, grid_region=st.sampled_from(sorted(CATALOG.grid_regions))),
)


@st.composite
def runs(draw, *, given_intensity: bool | None = None) -> RunInput:
    """Any valid computable run: measured energy, given power, or catalog defaults."""
    kind = draw(st.sampled_from(["energy", "power", "catalog"]))
    kwargs: dict = {"accelerator": draw(accelerators), "count": draw(counts), "hours": draw(hours)}
    if kind == "energy":
        kwargs["energy_kwh"] = draw(st.floats(min_value=0.001, max_value=1e7))
    elif kind == "power":
        kwargs["power_w"] = draw(st.floats(min_value=1, max_value=2000))
        kwargs["power_basis"] = draw(st.sampled_from(["tdp", "measured_chip", "measured_system"]))
    if draw(st.booleans()):
        kwargs["pue"] = draw(pues)
    kwargs["location"] = draw(locations)
    if given_intensity or (given_intensity is None and draw(st.booleans())):
        kwargs["intensity_g_per_kwh"] = draw(intensities)
    net = draw(st.sampled_from(["none", "cfe", "net"]))
    if net == "cfe":
        kwargs["cfe_fraction"] = draw(st.floats(min_value=0, max_value=1))
    elif net == "net":
        kwargs["net_intensity_g_per_kwh"] = draw(st.floats(min_value=0, max_value=2))
    if draw(st.booleans()):
        kwargs["idle_energy_kwh"] = draw(st.floats(min_value=0, max_value=1e4))
    if draw(st.booleans()):
        kwargs["embodied_tco2e"] = draw(st.floats(min_value=0, max_value=100))
    return RunInput(**kwargs)


def footprint(*runs_: RunInput):
    return estimate_training_footprint(DisclosureInput(runs=runs_))


def scalable(run: RunInput) -> RunInput:
    """The run without the components that do not scale with time or devices."""
    return dataclasses.replace(run, energy_kwh=None, idle_energy_kwh=None, embodied_tco2e=None)


@given(run=runs(), k=factors)
def test_it_is_linear_in_hours(run, k):
    run = scalable(run)
    assume(run.hours * k <= 100_000)
    base, scaled = footprint(run), footprint(dataclasses.replace(run, hours=run.hours * k))
    for name in ("energy_kwh", "gross_tco2e", "net_tco2e", "low_tco2e", "high_tco2e"):
        assert getattr(scaled, name) == pytest.approx(k * getattr(base, name), rel=1e-9)


@given(run=runs(), k=st.integers(min_value=1, max_value=64))
def test_it_is_linear_in_devices(run, k):
    run = scalable(run)
    base, scaled = footprint(run), footprint(dataclasses.replace(run, count=run.count * k))
    for name in ("energy_kwh", "gross_tco2e", "net_tco2e", "low_tco2e", "high_tco2e"):
        assert getattr(scaled, name) == pytest.approx(k * getattr(base, name), rel=1e-9)


@given(run=runs(), pue_a=pues, pue_b=pues)
def test_it_is_monotonic_in_pue(run, pue_a, pue_b):
    low, high = sorted((pue_a, pue_b))
    a = footprint(dataclasses.replace(run, pue=low))
    b = footprint(dataclasses.replace(run, pue=high))
    assert a.energy_kwh <= b.energy_kwh
    assert a.gross_tco2e <= b.gross_tco2e
    assert a.net_tco2e <= b.net_tco2e


@given(run=runs(), g_a=intensities, g_b=intensities)
def test_it_is_monotonic_in_intensity(run, g_a, g_b):
    low, high = sorted((g_a, g_b))
    a = footprint(dataclasses.replace(run, intensity_g_per_kwh=low))
    b = footprint(dataclasses.replace(run, intensity_g_per_kwh=high))
    assert a.gross_tco2e <= b.gross_tco2e
    assert a.net_tco2e <= b.net_tco2e


@given(run=runs())
def test_it_never_makes_net_exceed_gross_with_cfe_or_a_lower_net_intensity(run):
    # The strategy draws net intensities of 0-2 g/kWh, below any gross intensity (>= 2).
    result = footprint(run)
    assert result.net_tco2e <= result.gross_tco2e * (1 + 1e-12)
    assert result.net_low_tco2e <= result.low_tco2e * (1 + 1e-12)


@given(run_list=st.lists(runs(), min_size=1, max_size=4))
def test_it_keeps_low_below_central_below_high(run_list):
    result = footprint(*run_list)
    assert result.low_tco2e <= result.gross_tco2e * (1 + 1e-12)
    assert result.gross_tco2e <= result.high_tco2e * (1 + 1e-12)
    assert result.net_low_tco2e <= result.net_tco2e * (1 + 1e-12)
    assert result.net_tco2e <= result.net_high_tco2e * (1 + 1e-12)
    assert result.energy_low_kwh <= result.energy_kwh <= result.energy_high_kwh * (1 + 1e-12)


@given(run_list=st.lists(runs(), min_size=2, max_size=4))
def test_it_sums_runs(run_list):
    whole = footprint(*run_list)
    parts = [footprint(run) for run in run_list]
    assert whole.gross_tco2e == pytest.approx(sum(p.gross_tco2e for p in parts), rel=1e-9)
    assert whole.high_tco2e == pytest.approx(sum(p.high_tco2e for p in parts), rel=1e-9)


@given(run_list=st.lists(runs(given_intensity=False), min_size=1, max_size=3))
def test_it_places_the_actual_figure_between_the_what_if_regions(run_list):
    result = footprint(*run_list)
    regions = result.what_if["regions"]
    assert regions["lowest"]["tco2e"] <= result.gross_tco2e * (1 + 1e-12)
    assert result.gross_tco2e <= regions["highest"]["tco2e"] * (1 + 1e-12)


@given(run_list=st.lists(runs(), min_size=1, max_size=3))
def test_it_round_trips_disclosures_through_json(run_list):
    disclosure = DisclosureInput(runs=tuple(run_list))
    assert parse_disclosure(disclosure_to_dict(disclosure)) == disclosure


_TABLES = [MASS_IN_T, ENERGY_IN_KWH, POWER_IN_W, TIME_IN_HOURS, INTENSITY_IN_G_PER_KWH]
unit_pairs = st.sampled_from(_TABLES).flatmap(
    lambda table: st.tuples(st.sampled_from(sorted(table)), st.sampled_from(sorted(table)))
)


@given(pair=unit_pairs, value=st.floats(min_value=1e-9, max_value=1e12))
def test_it_round_trips_units(pair, value):
    a, b = pair
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12)


# The checks that judge the run itself, not the claim: a given power or energy no device can
# draw, or a given intensity no grid (or not the stated location's) has.
PHYSICAL = {"implied_power_above_tdp", "implied_power_below_idle", "implied_intensity_implausible"}


@given(run=runs())
def test_it_verifies_its_own_figures_as_consistent(run):
    result = footprint(run)
    claim = Claim(energy_kwh=result.energy_kwh, tco2e=result.gross_tco2e)
    verification = verify_claim(DisclosureInput(runs=(run,)), claim)
    judged = {f.code for f in verification.flags if f.severity != "info"}
    # Only the run's own physics may be flagged, never the (exact) claim; and the verdict is
    # exactly "consistent" unless one of those physical checks fired.
    assert judged <= PHYSICAL
    assert {"energy_kwh_consistent", "tco2e_consistent"} <= {f.code for f in verification.flags}
    assert verification.verdict == ("implausible" if judged else "consistent")


@given(
    run=runs(given_intensity=False).map(
        lambda r: dataclasses.replace(
            r, power_w=None, power_basis=None, energy_kwh=None, idle_energy_kwh=None
        )
    )
)
def test_it_verifies_its_own_figures_from_catalog_defaults_as_consistent(run):
    # Catalog power and catalog intensity are physically plausible by construction.
    result = footprint(run)
    claim = Claim(energy_kwh=result.energy_kwh, tco2e=result.gross_tco2e)
    assert verify_claim(DisclosureInput(runs=(run,)), claim).verdict == "consistent"


series_values = st.lists(
    st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=2, max_size=200
)
START = datetime(2025, 1, 1)


@settings(max_examples=200)
@given(values=series_values, step=st.sampled_from([5, 15, 30, 60]), data=st.data())
def test_it_never_schedules_a_window_worse_than_starting_now(values, step, data):
    series = IntensitySeries(START, step, tuple(values))
    span_h = len(values) * step / 60
    duration = data.draw(st.floats(min_value=0.01, max_value=span_h))
    offset = data.draw(st.floats(min_value=0, max_value=span_h - duration))
    earliest = START + timedelta(hours=offset)
    result = best_start_window(series, duration, earliest=earliest)
    assert result.tco2e <= result.now_tco2e * (1 + 1e-9) + 1e-15
    assert result.saving_tco2e >= -1e-12
    assert earliest <= result.start
    assert result.end <= series.end + timedelta(microseconds=1)


@settings(max_examples=100)
@given(values=series_values, data=st.data())
def test_it_finds_the_best_window_a_dense_scan_finds(values, data):
    series = IntensitySeries(START, 60, tuple(values))
    duration = data.draw(st.floats(min_value=0.1, max_value=len(values) - 0.01))
    result = best_start_window(series, duration)
    latest = len(values) - duration
    scan = [latest * i / 500 for i in range(501)]
    dense = min(
        series.mean_intensity(START + timedelta(hours=s), START + timedelta(hours=s + duration))
        for s in scan
    )
    # Datetimes resolve microseconds, so the scan's own times carry ~1e-9 relative error.
    assert result.mean_intensity_g_per_kwh <= dense * (1 + 1e-6) + 1e-9


@settings(max_examples=200)
@given(values=series_values, data=st.data())
def test_it_never_plans_a_ramp_worse_than_starting_now(values, data):
    series = IntensitySeries(START, 15, tuple(values))
    concurrency = data.draw(st.integers(min_value=1, max_value=64))
    capacity = len(values) * 0.25 * concurrency
    device_hours = data.draw(st.floats(min_value=0.01, max_value=capacity))
    plan = ramp_plan(series, device_hours, max_concurrency=concurrency)
    assert plan.tco2e <= plan.now_tco2e * (1 + 1e-9) + 1e-15
    assert all(0 < s.devices <= concurrency * (1 + 1e-9) for s in plan.segments)
    planned = sum(s.devices * (s.end - s.start).total_seconds() / 3600 for s in plan.segments)
    assert planned == pytest.approx(device_hours, rel=1e-6)


RANK = {"consistent": 0, "minor_discrepancy": 1, "major_discrepancy": 2, "implausible": 3}


@given(
    # A given intensity outside its location's plausible range makes the claim near the
    # recomputation implausible and a far one not: that check judges the place, not the gap.
    run=runs(given_intensity=False),
    a=st.floats(min_value=1.0, max_value=100.0),
    b=st.floats(min_value=1.0, max_value=100.0),
    up=st.booleans(),
)
def test_it_never_judges_a_claim_further_off_more_kindly(run, a, b, up):
    near, far = sorted((a, b))
    if not up:
        near, far = 1 / near, 1 / far
    central = footprint(run).gross_tco2e
    assume(central > 0)
    disclosure = DisclosureInput(runs=(run,))
    verdicts = [verify_claim(disclosure, Claim(tco2e=central * k)).verdict for k in (near, far)]
    assert RANK[verdicts[0]] <= RANK[verdicts[1]]
