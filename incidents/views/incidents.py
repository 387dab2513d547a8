from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from incidents.api.filters import IncidentFilterSet
from incidents.browse import entity_datalist, entity_lookup, entity_suggestions, incident_facets
from incidents.citations import citation_bibtex, citation_text
from incidents.models import Incident
from incidents.selectors import (
    incident_detail as select_incident_detail,
)
from incidents.selectors import (
    incident_for_citation,
    incident_redirect_target,
    incident_years,
    incidents_count,
    incidents_list,
)
from incidents.views.filters import IncidentFilterForm
from incidents.visibility import classification_access
from registry.models import Role
from registry.paging import CountedPaginator

INCIDENTS_PER_PAGE = 25


def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None, years=incident_years())
    entity_text = form.entity_text
    entity = entity_lookup(entity_text) if entity_text else None
    # A name that finds no entity still filters (to nothing), and suggestions are offered.
    filters = form.filters(entity_slug=entity.slug if entity else entity_text)
    filterset = IncidentFilterSet(
        data=filters.filterset_data(),
        queryset=Incident.objects.all(),
        access=classification_access(request.user),
    )
    # A value the filter refuses (a taxonomy field this visitor may not see) matches nothing.
    filtered = filterset.qs if filterset.is_valid() else Incident.objects.none()
    incidents = incidents_list(filtered=filtered, sort=filters.sort, q=filters.q)
    paginator = CountedPaginator(
        incidents,
        INCIDENTS_PER_PAGE,
        count=lambda: incidents_count(incidents, filters, classification_access(request.user)),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/incident_list.html",
        {
            "form": form,
            "filters": filters,
            "entity": entity,
            "entity_suggestions": entity_suggestions(entity_text)
            if entity_text and entity is None
            else [],
            "entity_names": entity_datalist(),
            "facet_groups": incident_facets(
                incidents=incidents, selected=filters.taxonomy, viewer=request.user
            ),
            "chosen_facets": [
                (facet, _without(request, "taxonomy", facet)) for facet in filters.taxonomy
            ],
            "page_obj": page,
            "paginator": paginator,
        },
    )


def _without(request: HttpRequest, name: str, value: str) -> str:
    """This page's query string without one value of a repeated parameter (and its page)."""
    query = request.GET.copy()
    query.setlist(name, [v for v in query.getlist(name) if v.strip() != value])
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else "?"


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    target = incident_redirect_target(incident_id)
    if target is not None:
        # The notice travels in the URL (not the session) so the page stays cacheable; the
        # target page checks it against the redirect table before saying anything.
        url = reverse("incident_detail", args=[target])
        return HttpResponsePermanentRedirect(f"{url}?{urlencode({'merged_from': incident_id})}")
    page = select_incident_detail(
        incident_id=incident_id,
        viewer=request.user,
        reports_page=request.GET.get("reports_page", 1),
    )
    if page is None:
        raise Http404("No incident with this number")
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "page": page,
            "incident": page.incident,
            "merged_from": _merged_into(request.GET.get("merged_from", ""), incident_id),
            "citation_text": citation_text(page.citation, retrieved_on=timezone.localdate()),
            "is_editor": request.user.is_authenticated and request.user.has_role(Role.EDITOR),
        },
    )


def _merged_into(raw: str, incident_id: int) -> int | None:
    """The merged id named by `?merged_from=`, if it really redirects to this incident."""
    if not raw.isdigit() or len(raw) > 9:
        return None
    old_id = int(raw)
    return old_id if incident_redirect_target(old_id) == incident_id else None


def incident_bibtex(request: HttpRequest, incident_id: int) -> HttpResponse:
    target = incident_redirect_target(incident_id)
    if target is not None:
        return HttpResponsePermanentRedirect(reverse("incident_bibtex", args=[target]))
    citation = incident_for_citation(incident_id=incident_id)
    if citation is None:
        raise Http404("No incident with this number")
    response = HttpResponse(
        citation_bibtex(citation, retrieved_on=timezone.localdate()),
        content_type="text/x-bibtex; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="incident-{incident_id}.bib"'
    return response
