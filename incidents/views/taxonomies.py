from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from incidents.charts import bar_chart
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
    list_url = reverse("incident_list")
    charts = [
        (
            summary,
            bar_chart(
                [
                    (
                        v.value,
                        v.incident_count,
                        f"{list_url}?{urlencode({'taxonomy': v.facet})}"
                        if v.incident_count
                        else "",
                    )
                    for v in summary.values
                ]
            ),
        )
        for summary in page.fields
    ]
    return render(
        request,
        "incidents/taxonomy_detail.html",
        {"page": page, "taxonomy": page.taxonomy, "charts": charts},
    )
