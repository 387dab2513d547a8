"""Public pages: the leaderboard of verified disclosures and a disclosure's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emissions.charts import leaderboard_svg
from emissions.forms import CommentForm, ReasonForm
from emissions.selectors import (
    DEFAULT_LEADERBOARD_SORT,
    LEADERBOARD_SORTS,
    disclosures_leaderboard,
)
from emissions.views.common import disclosure_context, visible_disclosure_or_404
from registry.models import Role

PAGE_SIZE = 50
CHART_ROWS = 15
SORT_LABELS = {
    "tco2e": "Emissions, largest first",
    "-tco2e": "Emissions, smallest first",
    "energy": "Energy, largest first",
    "-energy": "Energy, smallest first",
    "date": "Verified, newest first",
    "-date": "Verified, oldest first",
    "organisation": "Organisation, A-Z",
    "-organisation": "Organisation, Z-A",
}


def leaderboard(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", DEFAULT_LEADERBOARD_SORT)
    if sort not in LEADERBOARD_SORTS:
        sort = DEFAULT_LEADERBOARD_SORT
    page = Paginator(disclosures_leaderboard(sort=sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    charted = sorted(
        (d for d in page.object_list if d.claim_tco2e is not None),
        key=lambda d: d.claim_tco2e,
        reverse=True,
    )[:CHART_ROWS]
    chart = (
        leaderboard_svg([(f"{d.model_name} ({d.organisation})", d.claim_tco2e) for d in charted])
        if charted
        else None
    )
    return render(
        request,
        "emissions/leaderboard.html",
        {
            "page": page,
            "sort": sort,
            "sorts": SORT_LABELS,
            "chart": chart,
            "is_reviewer": request.user.is_authenticated and request.user.has_role(Role.REVIEWER),
        },
    )


def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = visible_disclosure_or_404(request, pk)
    context = disclosure_context(request, disclosure)
    context["comment_form"] = CommentForm()
    context["reason_form"] = ReasonForm()
    return render(request, "emissions/disclosure_detail.html", context)
