"""The planner: footprint, lowest-carbon start window and ramp plan for a run not yet started."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emissions.charts import plan_svg
from emissions.estimator import EstimatorInputError
from emissions.forms import PlanForm
from emissions.plan_chart import intensity_curve_svg
from emissions.planning import plan_training


def plan(request: HttpRequest) -> HttpResponse:
    """GET shows the form; a GET with parameters or a POST (with a CSV upload) plans."""
    submitted = request.method == "POST" or "accelerator" in request.GET
    data = request.POST if request.method == "POST" else (request.GET if submitted else None)
    form = PlanForm(data, request.FILES or None)
    result = chart = curve = None
    if submitted and form.is_valid():
        run = {
            "name": "planned run",
            "accelerator": form.cleaned_data["accelerator"],
            "count": form.cleaned_data["count"],
            "hours": form.cleaned_data["hours"],
            "location": form.location(),
        }
        if form.cleaned_data.get("pue"):
            run["pue"] = form.cleaned_data["pue"]
        try:
            result = plan_training(
                run=run,
                series_csv=form.cleaned_data.get("series"),
                max_concurrency=form.cleaned_data.get("max_concurrency"),
                deadline_hours=form.cleaned_data.get("deadline_hours"),
            )
        except EstimatorInputError as error:
            in_series = error.field.startswith(("line", "data", "series"))
            form.add_error("series" if in_series else None, str(error))
        else:
            if result.window is not None:
                chart = plan_svg(
                    now_tco2e=result.window["now_tco2e"],
                    best_tco2e=result.window["tco2e"],
                    ramp_tco2e=result.ramp["tco2e"] if result.ramp else None,
                )
            if result.series is not None:
                curve = intensity_curve_svg(
                    result.series,
                    window_start=_moment(result.window, "start"),
                    window_end=_moment(result.window, "end"),
                )
    return render(
        request,
        "emissions/plan.html",
        {"form": form, "plan": result, "chart": chart, "curve": curve},
    )


def _moment(window: dict[str, Any] | None, key: str) -> datetime | None:
    return datetime.fromisoformat(window[key]) if window else None
