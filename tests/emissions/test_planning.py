"""The planner: "start now" is now, at the location's level, and the page shows the curve."""

from datetime import UTC, datetime

import pytest

from emissions.planning import demo_series, plan_training, readable_time

RUN = {
    "name": "planned run",
    "accelerator": "A100-80GB",
    "count": 64,
    "location": {"country": "FRA"},
}


def test_starting_now_over_the_whole_demo_week_costs_the_gross_figure(db):
    week_hours = len(demo_series().values) * demo_series().step_minutes / 60
    plan = plan_training(run={**RUN, "hours": week_hours})
    assert plan.window["now_tco2e"] == pytest.approx(plan.footprint["gross_tco2e"], rel=1e-9)


def test_now_is_the_current_time_on_the_demo_week(db):
    now = datetime(2026, 12, 2, 7, 41, 30, tzinfo=UTC)
    plan = plan_training(run={**RUN, "hours": 24}, now=now)
    assert plan.window["now_start"] == "2026-12-02T07:30:00+00:00"
    assert plan.now_label == "now, Wed 2 Dec 2026, 07:30 UTC"
    # The same weekday and time of day of the demo week, scaled to France's level.
    demo = demo_series()
    same_slot = demo.values[(2 * 96) + 30]  # Wednesday 07:30 of a week starting Monday
    scale = plan.series.values[0] / same_slot
    assert plan.series.values[1] == pytest.approx(demo.values[(2 * 96) + 31] * scale)


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
