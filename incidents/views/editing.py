"""Pages of the editors' catalog tools under /submit/editor/: one form per tool, one audited
service behind each (incidents.services.editing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from incidents.forms.editing import (
    FlagReportForm,
    IncidentLinkForm,
    MergeEntitiesForm,
    MergeIncidentsForm,
    ReportIncidentForm,
)
from incidents.merging import entities_merge_preview, incidents_merge_preview
from incidents.services.editing import (
    entities_merge,
    incidents_link,
    incidents_merge,
    incidents_unlink,
    report_link_incident,
    report_set_flag,
    report_unlink_incident,
)
from incidents.views.submissions import add_service_errors, editor_required
from registry.models import User


@dataclass(frozen=True)
class Tool:
    slug: str
    title: str
    summary: str
    form: type[forms.Form]
    # Performs the service with the form's cleaned data; returns the message to show.
    run: Callable[[User, dict], str]
    # A merge first shows both records side by side and asks to confirm (incidents.merging).
    preview: Callable[[dict], object] | None = None


def _merge_incidents(actor: User, data: dict) -> str:
    target = incidents_merge(
        duplicate_id=data["duplicate_id"],
        target_id=data["target_id"],
        actor=actor,
        reason=data["reason"],
    )
    return format_html(
        'Incident {} merged into <a href="{}">incident {}</a>; its id redirects.',
        data["duplicate_id"],
        target.get_absolute_url(),
        target.pk,
    )


def _merge_entities(actor: User, data: dict) -> str:
    target = entities_merge(
        duplicate_slug=data["duplicate_slug"],
        target_slug=data["target_slug"],
        actor=actor,
        reason=data["reason"],
    )
    return format_html(
        'Entity “{}” merged into <a href="{}">{}</a>; its slug redirects.',
        data["duplicate_slug"],
        target.get_absolute_url(),
        target.name,
    )


def _report_incident(actor: User, data: dict) -> str:
    number, incident_id = data["report_number"], data["incident_id"]
    if data["operation"] == "link":
        report_link_incident(report_number=number, incident_id=incident_id, actor=actor)
        return f"Report {number} added to incident {incident_id}."
    report_unlink_incident(report_number=number, incident_id=incident_id, actor=actor)
    return f"Report {number} removed from incident {incident_id}."


def _incident_link(actor: User, data: dict) -> str:
    incident_id, other_id = data["incident_id"], data["other_id"]
    if data["kind"] == "remove":
        incidents_unlink(incident_id=incident_id, other_id=other_id, actor=actor)
        return f"Link from incident {incident_id} to {other_id} removed."
    incidents_link(incident_id=incident_id, other_id=other_id, kind=data["kind"], actor=actor)
    return f"Incident {other_id} recorded as {data['kind']} to incident {incident_id}."


def _flag_report(actor: User, data: dict) -> str:
    report = report_set_flag(
        report_number=data["report_number"],
        flagged=data["flagged"],
        actor=actor,
        reason=data["reason"],
    )
    return f"Report {report.pk} {'flagged' if report.flagged else 'no longer flagged'}."


TOOLS = {
    tool.slug: tool
    for tool in (
        Tool(
            "merge-incidents",
            "Merge duplicate incidents",
            "Reports, entities, classifications and links move; the old id redirects.",
            MergeIncidentsForm,
            _merge_incidents,
            lambda data: incidents_merge_preview(
                duplicate_id=data["duplicate_id"], target_id=data["target_id"]
            ),
        ),
        Tool(
            "merge-entities",
            "Merge duplicate entities",
            "The duplicate's name becomes an alias; its slug redirects.",
            MergeEntitiesForm,
            _merge_entities,
            lambda data: entities_merge_preview(
                duplicate_slug=data["duplicate_slug"], target_slug=data["target_slug"]
            ),
        ),
        Tool(
            "report-incidents",
            "Link or unlink a report and an incident",
            "A report may belong to several incidents.",
            ReportIncidentForm,
            _report_incident,
        ),
        Tool(
            "incident-links",
            "Similar and dissimilar incidents",
            "Record an editor's judgement that two incidents are (not) alike.",
            IncidentLinkForm,
            _incident_link,
        ),
        Tool(
            "flag-report",
            "Flag a report",
            "Mark a report for review, or clear the mark.",
            FlagReportForm,
            _flag_report,
        ),
    )
}


@editor_required
@require_GET
def tools(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/editor/tools.html", {"tools": TOOLS.values()})


@editor_required
def tool(request: HttpRequest, tool: str) -> HttpResponse:
    chosen = TOOLS.get(tool)
    if chosen is None:
        return render(request, "404.html", status=404)
    template = "submissions/editor/tool.html"
    if request.method != "POST":
        # Prefilled from the query string: "Change the choice" on a merge preview comes back.
        initial = {name: request.GET[name] for name in request.GET if name != "reason"}
        return render(request, template, {"tool": chosen, "form": chosen.form(initial=initial)})
    form = chosen.form(request.POST)
    if not form.is_valid():
        return render(request, template, {"tool": chosen, "form": form})
    if chosen.preview is not None and request.POST.get("confirmed") != "yes":
        # Nothing changes yet: the editor sees both records and confirms (or goes back).
        try:
            preview = chosen.preview(form.cleaned_data)
        except ValidationError as invalid:
            add_service_errors(form, invalid)
            return render(request, template, {"tool": chosen, "form": form})
        context = {"tool": chosen, "form": form, "preview": preview}
        return render(request, "submissions/editor/merge_preview.html", context)
    try:
        message = chosen.run(request.user, form.cleaned_data)
    except ValidationError as invalid:
        add_service_errors(form, invalid)
        return render(request, template, {"tool": chosen, "form": form})
    messages.success(request, message)
    return redirect("submissions:editor_tool", tool=chosen.slug)
