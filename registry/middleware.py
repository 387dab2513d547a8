"""Cross-cutting request handling: request ids in logs, a strict CSP, 503 when the DB is down."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain
        # has returned, and those lines must carry the id too. The next request sets its own.
        _request_id.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs page loads its viewer from its own static files only.
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a clean 503 instead of a 500 and a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            from registry.views import api_error, expected_unavailable

            if request.path.startswith("/api/"):
                response: HttpResponse = api_error(
                    503, "The database is unavailable; retry in a few seconds."
                )
            else:
                response = HttpResponse(render_to_string("503.html", request=None), status=503)
            response["Retry-After"] = "5"
            expected_unavailable(request, response, f"database: {exception}".strip())
            return response
        return None


API_PATH_PREFIX = "/api/"
CLIENT_ERROR_EXCEPTIONS = (
    Http404,
    PermissionDenied,
    BadRequest,
    SuspiciousOperation,
    MultiPartParserError,
)
API_SERVER_ERROR = {
    "errors": [
        {
            "field": None,
            "message": "Internal server error. It has been logged; quote the X-Request-ID "
            "header when reporting it.",
        }
    ]
}


class ApiServerErrorMiddleware:
    """An unexpected exception in the API is a 500 in the API's error format (JSON), not the
    site's HTML page. Listed before DatabaseUnavailableMiddleware, so a lost database still
    answers 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PATH_PREFIX) or isinstance(
            exception, CLIENT_ERROR_EXCEPTIONS
        ):
            # Django answers these with a 4xx itself (e.g. a body over the size limit).
            return None
        # Returning a response skips Django's own error logging: log it here, with the trace.
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return JsonResponse(API_SERVER_ERROR, status=500)
