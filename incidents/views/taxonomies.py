from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.selectors import taxonomies_list
from incidents.selectors import taxonomy_detail as select_taxonomy_detail


def taxonomy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/taxonomy_list.html",
        {"taxonomies": taxonomies_list(viewer=request.user)},
    )


def taxonomy_detail(request: HttpRequest, namespace: str) -> HttpResponse:
    page = select_taxonomy_detail(namespace=namespace, viewer=request.user)
    if page is None:
        raise Http404("No taxonomy with this name")
    return render(
        request, "incidents/taxonomy_detail.html", {"page": page, "taxonomy": page.taxonomy}
    )
