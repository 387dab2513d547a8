"""The datasets page and its downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from datasets.downloads import file_response
from datasets.publishing import dataset_file_path, dataset_snapshot, dataset_snapshots
from datasets.snapshot import MANIFEST

CONTENT_TYPES = {
    ".csv": "text/csv",
    ".jsonl": "application/jsonl",
    ".json": "application/json",
    ".zip": "application/zip",
}


@require_safe
def dataset_list(request: HttpRequest) -> HttpResponse:
    snapshots = dataset_snapshots()
    return render(
        request,
        "datasets/list.html",
        {"latest": snapshots[0] if snapshots else None, "older": snapshots[1:]},
    )


@require_safe
def dataset_download(request: HttpRequest, name: str, relative: str) -> HttpResponse:
    path = dataset_file_path(name=name, relative=relative)
    if path is None:
        raise Http404("No such dataset file")
    content_type = CONTENT_TYPES.get(path.suffix, "text/plain; charset=utf-8")
    if path.suffix in (".csv", ".jsonl"):
        content_type += "; charset=utf-8"
    snapshot = dataset_snapshot(name=name)
    record = snapshot.file(relative) if snapshot else None
    response = file_response(
        request,
        path,
        content_type=content_type,
        # The archive's own name already holds the snapshot's.
        filename=relative if path.suffix == ".zip" else f"{name}-{relative.replace('/', '-')}",
        sha256=record.sha256 if record else None,
    )
    if relative == MANIFEST and response.status_code == 200:
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
