"""The search page (/search/) and the streamed export of its whole result set."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from search.across import across_records
from search.engine import (
    HIT_TYPES,
    SORT_ORDERS,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from search.export import EXPORTERS, export_stream
from search.params import SearchParamError, query_to_params, search_query_from_params
from search.service import export_query, search_run


def _link(query: SearchQuery, **changes: object) -> str:
    return "?" + urlencode(query_to_params(query, **changes))


def _facet_links(query: SearchQuery, result: SearchResult) -> list[dict[str, object]]:
    """Each facet value with the URL that toggles it (page reset to 1)."""
    groups = []
    for facet in result.facets:
        values = []
        for value in facet.values:
            current = {name: list(vals) for name, vals in query.facets.items()}
            chosen = current.setdefault(facet.name, [])
            if value.value in chosen:
                chosen.remove(value.value)
            else:
                chosen.append(value.value)
            params = [f"{name}:{v}" for name, vals in current.items() for v in vals]
            values.append({"value": value, "url": _link(query, facet=params or None, page=None)})
        groups.append({"facet": facet, "values": values})
    return groups


def _follow_target(query: SearchQuery) -> dict[str, str] | None:
    """What "Follow" on this page follows: a taxonomy value when the search is just that
    facet, otherwise the search itself (its words and filters, not its page or order)."""
    if query.type == "disclosure":
        return None
    only_taxonomy = (
        query.parsed.is_empty
        and list(query.facets) == ["taxonomy"]
        and len(query.facets["taxonomy"]) == 1
        and not (query.date_from or query.date_to or query.incident_ids)
    )
    if only_taxonomy:
        value = query.facets["taxonomy"][0]
        return {"kind": "taxonomy", "target": value, "what": "this taxonomy value"}
    params = query_to_params(query, page=None, page_size=None, sort=None)
    return {"kind": "search", "target": urlencode(params), "what": "this search"}


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "sort_orders": SORT_ORDERS,
        "hit_types": HIT_TYPES,
        "params": request.GET,
    }
    try:
        query = search_query_from_params(request.GET, user=request.user)
    except SearchParamError as exc:
        context["error"] = str(exc)
        return render(request, "search/search.html", context, status=400)
    context["query"] = query
    try:
        result = search_run(query)
    except SearchUnavailable as exc:
        context["error"] = str(exc)
        return render(request, "search/search.html", context, status=503)
    count = result.count
    page = query.page
    if page > count.pages:
        # Never "page 4 of 3": a page past the last one (the matches changed, or a hand-made
        # URL) goes to the last page.
        last = _link(query, page=str(count.pages) if count.pages > 1 else None)
        return HttpResponseRedirect(request.path + last)
    exported = export_query(result)
    context.update(
        {
            "follow": _follow_target(query),
            "feed_url": "feed.atom" + _link(exported, page=None, page_size=None, sort=None)
            if query.type != "disclosure"
            else None,
            "result": result,
            "count": count,
            "capped_notice": count.capped_notice(
                relevance=query.effective_sort == "relevance" and not query.parsed.is_empty
            ),
            "across": across_records(query),
            "disclosures_url": _link(query, type="disclosure", page=None, facet=None),
            "facet_groups": _facet_links(query, result),
            "previous_url": _link(query, page=str(page - 1)) if page > 1 else None,
            "next_url": _link(query, page=str(page + 1)) if page < count.pages else None,
            "last_url": _link(query, page=str(count.pages)) if page < count.pages else None,
            "export_csv": "export.csv" + _link(exported, page=None, page_size=None),
            "export_json": "export.json" + _link(exported, page=None, page_size=None),
            "suggestion_url": _link(query, q=result.suggestion, page=None)
            if result.suggestion
            else None,
            "clear_url": _link(
                query, facet=None, page=None, date_after=None, date_before=None, incident=None
            ),
        }
    )
    return render(request, "search/search.html", context)


@require_GET
def search_export(request: HttpRequest, extension: str) -> HttpResponse:
    """The whole result set of the page's query, streamed (any size, flat memory)."""
    exporter = EXPORTERS[extension]
    try:
        query = search_query_from_params(request.GET, user=request.user)
    except SearchParamError as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    raw = request.GET.get("raw", "")
    if raw not in ("", "true", "false"):
        return HttpResponse(
            "'raw' must be true or false.\n", status=400, content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(
        export_stream(query, exporter, site_url=settings.SITE_URL, raw=raw == "true"),
        content_type=exporter.content_type,
    )
    filename = f"search-{query.type}s.{exporter.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # What a signed-in person may see (their own and reviewable disclosures) is in the rows,
    # and the stream reads the user only after the middleware has passed: say so here.
    patch_vary_headers(response, ["Cookie"])
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    return response
