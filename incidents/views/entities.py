from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from incidents.selectors import (
    FormerSlug,
    entities_count,
    entities_list,
    entity_former_slug,
    entity_redirect_target,
)
from incidents.selectors import entity_detail as select_entity_detail
from registry.paging import CountedPaginator

ENTITIES_PER_PAGE = 60


def entity_list(request: HttpRequest) -> HttpResponse:
    # PostgreSQL text cannot hold NUL: a query carrying one would fail, not match nothing.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    paginator = CountedPaginator(
        entities_list(name_contains=query),
        ENTITIES_PER_PAGE,
        count=lambda: entities_count(name_contains=query),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/entity_list.html",
        {"page_obj": page, "paginator": paginator, "query": query},
    )


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    target = entity_redirect_target(slug)
    if target is not None:
        url = reverse("entity_detail", args=[target])
        return HttpResponsePermanentRedirect(f"{url}?{urlencode({'merged_from': slug})}")
    page = select_entity_detail(slug=slug)
    if page is None:
        raise Http404("No entity with this name")
    return render(
        request,
        "incidents/entity_detail.html",
        {
            "page": page,
            "entity": page.entity,
            "former": _former_slug(request.GET.get("merged_from", ""), page.entity.slug),
        },
    )


def _former_slug(raw: str, slug: str) -> FormerSlug | None:
    """The old slug named by `?merged_from=`, if it really redirects to this entity."""
    if not raw or len(raw) > 200 or entity_redirect_target(raw) != slug:
        return None
    return entity_former_slug(old_slug=raw)
