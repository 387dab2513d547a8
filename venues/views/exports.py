"""Export pages: per-paper downloads, the venue summaries, and the background ZIP build with
its progress page (refreshes itself with a meta tag: no JavaScript needed) and download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from emissions.models import Disclosure
from venues.exports import ExportOptions, UnknownExportFormat, exporter_for, exporters_for_scope
from venues.exports.exporters import ExportUnavailable
from venues.exports.registry import paper_size_from
from venues.forms import ExportForm
from venues.models import ExportJob, ExportJobState
from venues.selectors import disclosure_export_allowed, export_jobs_for_venue
from venues.services.exports import export_job_start, export_path
from venues.services.venues import VenueInputError, VenuePermissionDenied
from venues.views.pages import venue_for

PROGRESS_REFRESH_SECONDS = 2


def attachment(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def disclosure_export(request: HttpRequest, disclosure_id: int, fmt: str) -> HttpResponse:
    """Download one disclosure's packet, statement or Hugging Face metadata."""
    disclosure = (
        Disclosure.objects.select_related("venue", "owner").filter(pk=disclosure_id).first()
    )
    if disclosure is None or not disclosure_export_allowed(
        user=request.user, disclosure=disclosure, fmt=fmt
    ):
        raise Http404("No such disclosure")
    try:
        exporter = exporter_for("disclosure", fmt)
        data = exporter.render(
            disclosure,
            options=ExportOptions(paper_size=paper_size_from(request.GET)),
        )
    except UnknownExportFormat as error:
        raise Http404(str(error)) from error
    except ExportUnavailable as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return attachment(
        data, filename=exporter.filename(disclosure), content_type=exporter.content_type
    )


@login_required
def venue_summary(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    if fmt not in ("csv", "json"):
        raise Http404("No such summary format")
    exporter = exporter_for("venue", fmt)
    return attachment(
        exporter.render(venue),
        filename=exporter.filename(venue),
        content_type=exporter.content_type,
    )


@login_required
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    return render(
        request,
        "venues/exports.html",
        {
            "venue": venue,
            "form": ExportForm(),
            "jobs": export_jobs_for_venue(venue=venue)[:20],
            "formats": exporters_for_scope("venue"),
        },
    )


@login_required
@require_POST
def export_start(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose A4 or US Letter.")
        return redirect("venues:exports", slug=venue.slug)
    try:
        job = export_job_start(
            actor=request.user, venue=venue, paper_size=form.cleaned_data["paper_size"]
        )
    except (VenuePermissionDenied, VenueInputError) as error:
        messages.error(request, str(error))
        return redirect("venues:exports", slug=venue.slug)
    return redirect("venues:export_job", slug=venue.slug, job_id=job.pk)


@login_required
def export_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    job = get_object_or_404(ExportJob, pk=job_id, venue=venue)
    pending = job.state in (ExportJobState.QUEUED, ExportJobState.RUNNING)
    return render(
        request,
        "venues/export_job.html",
        {
            "venue": venue,
            "job": job,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS if pending else None,
        },
    )


@login_required
def export_download(request: HttpRequest, slug: str, job_id: int) -> FileResponse:
    venue = venue_for(request, slug, chair=True)
    job = get_object_or_404(ExportJob, pk=job_id, venue=venue)
    path = export_path(job) if job.file_name else None
    if not job.is_downloadable or path is None or not path.is_file():
        raise Http404("This export is not available (still building, failed or expired)")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{venue.slug}-packets.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
