"""Public pages: the leaderboard of verified disclosures and a disclosure's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from emissions.forms import CommentForm, ReasonForm
from emissions.leaderboard_chart import LeaderboardPoint, leaderboard_log_svg
from emissions.models import Verdict
from emissions.presentation import leaderboard_row
from emissions.selectors import (
    DEFAULT_LEADERBOARD_SORT,
    LEADERBOARD_SORTS,
    LeaderboardFilters,
    disclosures_leaderboard,
    leaderboard_filter_choices,
)
from emissions.views.common import disclosure_context, visible_disclosure_or_404
from registry.models import Role

PAGE_SIZE = 50
CHART_ROWS = 15
SORT_LABELS = {
    "tco2e": "Recomputed emissions, largest first",
    "-tco2e": "Recomputed emissions, smallest first",
    "claimed": "Claimed emissions, largest first",
    "-claimed": "Claimed emissions, smallest first",
    "energy": "Claimed energy, largest first",
    "-energy": "Claimed energy, smallest first",
    "date": "Verified, newest first",
    "-date": "Verified, oldest first",
    "organisation": "Organisation, A-Z",
    "-organisation": "Organisation, Z-A",
}


def _filters(query: QueryDict) -> LeaderboardFilters:
    year = query.get("year", "").strip()
    verdict = query.get("verdict", "")
    return LeaderboardFilters(
        hardware=query.get("hardware", "").strip()[:100],
        region=query.get("region", "").strip()[:100],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        verdict=verdict if verdict in Verdict.values else "",
    )


def leaderboard(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", DEFAULT_LEADERBOARD_SORT)
    if sort not in LEADERBOARD_SORTS:
        sort = DEFAULT_LEADERBOARD_SORT
    filters = _filters(request.GET)
    page = Paginator(disclosures_leaderboard(sort=sort, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [leaderboard_row(d) for d in page.object_list]
    charted = sorted(
        (r for r in rows if r.recomputed_tco2e or r.claimed_tco2e),
        key=lambda r: r.recomputed_tco2e or r.claimed_tco2e or 0,
        reverse=True,
    )[:CHART_ROWS]
    chart = (
        leaderboard_log_svg(
            [
                LeaderboardPoint(
                    f"{r.disclosure.model_name} ({r.disclosure.organisation or 'no organisation'})",
                    r.recomputed_tco2e,
                    r.claimed_tco2e,
                )
                for r in charted
            ]
        )
        if charted
        else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "emissions/leaderboard.html",
        {
            "page": page,
            "rows": rows,
            "sort": sort,
            "sorts": SORT_LABELS,
            "filters": filters,
            "choices": leaderboard_filter_choices(),
            "verdicts": Verdict.choices,
            "filter_query": query.urlencode(),
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
