from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from incidents.api.filters import IncidentFilterSet
from incidents.citations import citation_bibtex, citation_text
from incidents.models import Incident
from incidents.selectors import (
    incident_detail as select_incident_detail,
)
from incidents.selectors import (
    incident_for_citation,
    incident_redirect_target,
    incident_years,
    incidents_list,
)
from incidents.views.filters import IncidentFilterForm
from incidents.visibility import classification_access
from registry.models import Role

INCIDENTS_PER_PAGE = 25


def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None, years=incident_years())
    filters = form.filters()
    filterset = IncidentFilterSet(
        data=filters.filterset_data(),
        queryset=Incident.objects.all(),
        access=classification_access(request.user),
    )
    # A value the filter refuses (a taxonomy field this visitor may not see) matches nothing.
    filtered = filterset.qs if filterset.is_valid() else Incident.objects.none()
    paginator = Paginator(incidents_list(filtered=filtered, sort=filters.sort), INCIDENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/incident_list.html",
        {"form": form, "filters": filters, "page_obj": page, "paginator": paginator},
    )


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    target = incident_redirect_target(incident_id)
    if target is not None:
        return HttpResponsePermanentRedirect(reverse("incident_detail", args=[target]))
    page = select_incident_detail(incident_id=incident_id, viewer=request.user)
    if page is None:
        raise Http404("No incident with this number")
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "page": page,
            "incident": page.incident,
            "citation_text": citation_text(page.citation, retrieved_on=timezone.localdate()),
            "is_editor": request.user.is_authenticated and request.user.has_role(Role.EDITOR),
        },
    )


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
