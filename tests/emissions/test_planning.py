"""The planner: "start now" is now, at the location's level, over a real grid's shape, and the
page shows the curve and names the series' source and licence."""

from datetime import UTC, datetime, time, timedelta

import pytest

from emissions.planning import DEMO_SERIES_PATH, demo_series, plan_training, readable_time

RUN = {
    "name": "planned run",
    "accelerator": "A100-80GB",
    "count": 64,
    "location": {"country": "FRA"},
}


def test_the_demo_series_is_the_shipped_gb_series_read_by_the_api_parser():
    series = demo_series()  # the parser refuses gaps, overlaps, nulls and odd steps
    assert (series.start, series.step_minutes, len(series.values)) == (
        datetime(2023, 3, 13, 12, 0, tzinfo=UTC),
        30,
        6 * 48,
    )
    assert series.source == "UK Carbon Intensity API (actual), National Grid ESO, CC BY 4.0"
    assert (min(series.values), max(series.values)) == (50, 251)


def test_the_demo_series_has_its_licence_and_provenance_beside_it():
    note = DEMO_SERIES_PATH.with_suffix(".md").read_text()
    assert "CC BY 4.0" in note
    assert "nmpowell/carbon-intensity-forecast-tracking" in note
    assert "2023-03-19T1201Z.json" in note


def test_starting_now_over_the_whole_demo_series_costs_the_gross_figure(db):
    series_hours = len(demo_series().values) * demo_series().step_minutes / 60
    plan = plan_training(run={**RUN, "hours": series_hours})
    assert plan.window["now_tco2e"] == pytest.approx(plan.footprint["gross_tco2e"], rel=1e-9)


def test_now_is_the_current_time_on_the_demo_series_at_the_same_time_of_day(db):
    now = datetime(2026, 12, 2, 7, 41, 30, tzinfo=UTC)
    plan = plan_training(run={**RUN, "hours": 24}, now=now)
    assert plan.window["now_start"] == "2026-12-02T07:30:00+00:00"
    assert plan.now_label == "now, Wed 2 Dec 2026, 07:30 UTC"
    # The demo series turned to one of its 07:30s and scaled to France's level.
    demo = demo_series()
    n = len(demo.values)
    half_past_seven = [
        i
        for i in range(n)
        if (demo.start + timedelta(minutes=demo.step_minutes * i)).time() == time(7, 30)
    ]
    matches = [
        i
        for i in half_past_seven
        if all(
            plan.series.values[k]
            == pytest.approx(demo.values[(i + k) % n] * plan.series.values[0] / demo.values[i])
            for k in range(n)
        )
    ]
    assert len(half_past_seven) == 6 and len(matches) == 1


def test_it_reads_times_at_a_glance():
    assert readable_time(datetime(2026, 3, 3, 16, 15, tzinfo=UTC)) == "Tue 3 Mar 2026, 16:15 UTC"


def test_the_page_draws_the_intensity_curve_with_the_best_window_shaded(client, db):
    response = client.get(
        "/disclosures/plan/",
        {"accelerator": "A100-80GB", "count": "64", "hours": "24", "region": "country:FRA"},
    )
    page = response.content.decode()
    assert 'class="chart chart-intensity"' in page and 'class="chart-window"' in page
    assert "“Start now” means now, " in page
    start = response.context["plan"].window["start"]
    assert readable_time(datetime.fromisoformat(start)) in page


def test_the_page_names_the_demo_series_source_and_licence(client, db):
    response = client.get(
        "/disclosures/plan/",
        {"accelerator": "A100-80GB", "count": "64", "hours": "24", "region": "country:FRA"},
    )
    page = response.content.decode()
    assert "Carbon Intensity API, National Grid ESO (carbonintensity.org.uk), CC BY 4.0" in page
    assert "13-19 March 2023" in page
