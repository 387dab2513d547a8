from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from registry.health import run_health_checks


def healthz(request: HttpRequest) -> JsonResponse:
    report = run_health_checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # An address under /api/ that matches no route answers in the API's own error format.
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": None, "message": "Not found."}]}, status=404)
    return render(request, "404.html", status=404)
