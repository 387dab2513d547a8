from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from registry.health import run_health_checks

logger = logging.getLogger("registry.request")


def api_error(status: int, message: str, *, field: str | None = None) -> JsonResponse:
    """A response in the API's one error format (see registry.api_conventions)."""
    return JsonResponse({"errors": [{"field": field, "message": message}]}, status=status)


def expected_unavailable(request: HttpRequest, response: HttpResponse, reason: str) -> None:
    """Log a 503 the application chose to give (a dependency is down) at WARNING: Django would
    log every 5xx at ERROR, which pages someone for an outage already being handled."""
    logger.warning("service unavailable (%s): %s %s", reason, request.method, request.path)
    response._has_been_logged = True  # type: ignore[attr-defined]  # read by django.utils.log


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        report = run_health_checks()
    except Exception as exc:  # noqa: BLE001 - the health page answers JSON, never a 500 page
        report = {"status": "fail", "error": exc.__class__.__name__, "checks": {}}
    if report["status"] == "ok":
        return JsonResponse(report)
    response = JsonResponse(report, status=503)
    failed = ", ".join(name for name, check in report["checks"].items() if not check["ok"])
    expected_unavailable(request, response, f"health check failed: {failed or report.get('error')}")
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # An address under /api/ that matches no route answers in the API's own error format.
    if request.path.startswith("/api/"):
        return api_error(404, "Not found.")
    return render(request, "404.html", status=404)
