"""Conventions every read endpoint of the public API follows.

- Errors: `{"errors": [{"field": "date_after", "message": "Enter a valid date."}]}`, with
  `field` null when the error concerns no single parameter. Always JSON, whatever the format.
- Unknown query parameters are refused with a 400 naming them: a typo in a filter must not
  silently return the unfiltered collection.
- Conditional GET: a strong ETag (hash of the body) and Last-Modified (the newest
  `modified_at` of the records shown); If-None-Match / If-Modified-Since answer 304.
- `?format=csv` on a list streams the *whole* filtered collection as CSV (formula-defused
  cells), not one page: the full-table export social scientists ask for.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from registry.api_deprecation import add_deprecation_headers
from registry.spreadsheet import csv_writer

# Query parameters the pagination and the renderers read; every other one must be a filter.
PAGINATION_PARAMETERS = frozenset({"cursor", "page_size"})
FORMAT_PARAMETER = "format"
RAW_PARAMETER = "raw"
RAW_PARAMETER_HELP = (
    "With `format=csv`: `true` writes every cell exactly as stored. By default a cell that "
    "starts with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so "
    "spreadsheet programs do not run it as a formula; a program that joins on values "
    "(an entity slug such as `@ghostwriter`) should ask for `raw=true`. Multi-valued cells "
    "are JSON arrays in both modes."
)
CSV_CHUNK_ROWS = 500
JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv"


class ApiErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The query parameter or field at fault; null if none."
    )
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response of the API."""

    errors = ApiErrorItemSerializer(many=True)


def error_items(detail: Any, field: str | None = None) -> list[dict[str, str | None]]:
    """Flatten DRF's error detail (dicts of lists, nested) into `[{"field", "message"}]`."""
    if isinstance(detail, Mapping):
        items = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "detail") else str(key)
            if field and name:
                name = f"{field}.{name}"
            items.extend(error_items(value, name or field))
        return items
    if isinstance(detail, list | tuple):
        return [item for value in detail for item in error_items(value, field)]
    return [{"field": field, "message": str(detail)}]


def registry_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's handler (which keeps `Retry-After` on 429 and `WWW-Authenticate` on 401), with
    the body reshaped into the API's one error format."""
    response = exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": error_items(response.data)}
    return response


def unknown_parameter_error(names: Iterable[str]) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {name: "Unknown query parameter." for name in sorted(set(names))}
    )


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, refusing query parameters that are neither filters nor pagination.

    Detail views accept no filters at all: a filter on `/incidents/5/` would turn into a
    confusing 404.
    """

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        known = {FORMAT_PARAMETER, RAW_PARAMETER}
        is_list = getattr(view, "action", "list") == "list"
        filterset_class = self.get_filterset_class(view, queryset) if is_list else None
        if is_list:
            known |= PAGINATION_PARAMETERS
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
            for name, filter_ in filterset_class.base_filters.items():
                # Range-style filters read suffixed parameters (`x_min`, `x_max`, ...).
                known |= {f"{name}_{suffix}" for suffix in getattr(filter_, "suffixes", ())}
        unknown = set(request.query_params) - known
        if unknown:
            raise unknown_parameter_error(unknown)
        if not is_list or not set(request.query_params) - PAGINATION_PARAMETERS - {
            FORMAT_PARAMETER,
            RAW_PARAMETER,
        }:
            # No filter asked for: building the FilterSet and its form would cost milliseconds
            # for nothing on the most common request.
            return queryset
        return super().filter_queryset(request, queryset, view)


_PASSED_THROUGH = frozenset({str, int, float})


def csv_cell(value: Any) -> Any:
    """What the CSV writer is given for a value: "" for None, true/false, JSON for lists."""
    if type(value) in _PASSED_THROUGH:  # most cells: no isinstance chain per cell
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Multi-valued cells are JSON arrays, as the AIID's own CSV files write them.
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def csv_line(row: Sequence[Any], *, raw: bool = False) -> str:
    """One CSV record, cells defused against spreadsheet formula injection unless `raw`
    (`?raw=true`: values exactly as stored, for programs that join on them)."""
    buffer = _LineBuffer()
    writer = csv_writer(buffer, raw=raw)
    writer.writerow([csv_cell(value) for value in row])
    return buffer.line


def raw_csv_requested(request: Request) -> bool:
    """`?raw=true`: CSV cells as stored, without the formula guard (see RAW_PARAMETER_HELP)."""
    value = request.query_params.get(RAW_PARAMETER, "")
    if value not in ("", "true", "false"):
        raise exceptions.ValidationError({RAW_PARAMETER: "Use true or false."})
    return value == "true"


class _LineBuffer:
    line = ""

    def write(self, text: str) -> None:
        self.line = text


class CSVRenderer(BaseRenderer):
    """Renders a list (or one object) as CSV. Lists normally stream through
    `stream_csv_response`; this renderer covers single objects and error-free fallbacks."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else list(data)
        header: list[str] = list(rows[0]) if rows else []
        lines = [csv_line(header)] + [csv_line([row.get(k) for k in header]) for row in rows]
        return "".join(lines).encode("utf-8")


def stream_csv_response(
    *, header: Sequence[str], rows: Iterable[Mapping[str, Any]], filename: str, raw: bool = False
) -> StreamingHttpResponse:
    """A CSV download of every row, produced lazily so memory stays flat whatever the size.
    Every parameter must be validated before this is called: once the first line is sent,
    an error can only cut the file short. The catalog lists are written by PostgreSQL
    (`registry.api_csv`); this writer is the reference their bytes are tested against."""

    def chunks() -> Iterator[bytes]:
        # One writer for the whole stream, flushed every CSV_CHUNK_ROWS rows: a writer and a
        # write() per row cost more than the cells themselves.
        buffer = io.StringIO()
        writer = csv_writer(buffer, raw=raw)
        writer.writerow([csv_cell(name) for name in header])
        for count, row in enumerate(rows, 1):
            writer.writerow([csv_cell(row.get(name)) for name in header])
            if count % CSV_CHUNK_ROWS == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def conditional_response(
    request: HttpRequest, response: Response, *, last_modified: datetime.datetime | None
) -> Response:
    """Add ETag / Last-Modified to a successful GET and answer 304 when the client's copy is
    current. The body is rendered here so that its hash can serve as the ETag."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if isinstance(response, StreamingHttpResponse):
        return response
    response.render()
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return not_modified


CSV_PATH_SUFFIX = ".csv"


def csv_routes(prefix: str, viewset: Any, name: str) -> Any:
    """`<prefix>.csv`: the list's CSV as an operation of its own, so that generated clients
    read it as text (the same list also answers `?format=csv`)."""
    from django.urls import path

    return path(
        f"{prefix}{CSV_PATH_SUFFIX}",
        viewset.as_view({"get": "list"}),
        {FORMAT_PARAMETER: "csv"},
        name=name,
    )


class RegistryAutoSchema(AutoSchema):
    """Documents the responses every read endpoint can give: JSON on success (or CSV, for the
    `.csv` operations), 304, and errors (always JSON) in the API's error format."""

    @property
    def is_csv_operation(self) -> bool:
        return self.path.endswith(CSV_PATH_SUFFIX)

    def get_operation_id(self) -> str:
        if self.is_csv_operation:
            return (
                self.path.removeprefix("/api/v1/").removesuffix(CSV_PATH_SUFFIX).replace("/", "_")
                + "_csv"
            )
        return super().get_operation_id()

    def get_tags(self) -> list[str]:
        return [tag.removesuffix(CSV_PATH_SUFFIX) for tag in super().get_tags()]

    def get_description(self) -> str | None:
        if self.is_csv_operation:
            return (
                "Every row of the filtered list as one CSV file (no pages), the same columns "
                "as the JSON where a value is a list or object as JSON text. " + RAW_PARAMETER_HELP
            )
        return super().get_description()

    def _get_format_parameters(self) -> list[Any]:
        # `?format=csv` still works; the CSV is documented as its own `.csv` operation.
        return []

    def _get_pagination_parameters(self) -> Any:
        return [] if self.is_csv_operation else super()._get_pagination_parameters()

    def get_summary(self) -> str | None:
        summaries = getattr(self.view, "summaries", {})
        return summaries.get(getattr(self.view, "action", None) or self.method.lower()) or (
            super().get_summary()
        )

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        # Integer keys are matched as any path segment (so `/incidents/1.5/` is a JSON 404,
        # not an HTML page) but documented as integers.
        if self.is_csv_operation:
            parameters.append(
                OpenApiParameter("raw", OpenApiTypes.BOOL, description=RAW_PARAMETER_HELP)
            )
        if getattr(self.view, "integer_lookup", False) and "{" in self.path:
            name = self.view.lookup_url_kwarg or self.view.lookup_field
            parameters.append(
                OpenApiParameter("id" if name == "pk" else name, OpenApiTypes.INT, "path")
            )
        return parameters

    def get_response_serializers(self) -> Any:
        base = super().get_response_serializers()
        if self.method != "GET":
            return base
        if isinstance(base, dict):
            responses = {
                (code if isinstance(code, tuple) else (code, JSON_MEDIA_TYPE)): serializer
                for code, serializer in base.items()
            }
        else:
            responses = {(200, JSON_MEDIA_TYPE): base}
        if self.is_csv_operation:
            responses = {
                (200, CSV_MEDIA_TYPE): OpenApiResponse(
                    OpenApiTypes.STR, "CSV: every row of the filtered collection."
                )
            }
        errors = {
            400: "Unknown parameter or malformed value.",
            429: "Too many requests: wait `Retry-After` seconds.",
        }
        if "{" in self.path:
            errors[404] = "No such record."
        for code, description in errors.items():
            responses.setdefault(
                (code, JSON_MEDIA_TYPE), OpenApiResponse(ErrorSerializer, description)
            )
        if "{" in self.path and getattr(self.view, "answers_redirects", False):
            responses[301] = OpenApiResponse(
                description="Merged into another record: follow `Location`."
            )
        if not self.is_csv_operation:
            responses[304] = OpenApiResponse(description="Not modified (ETag / Last-Modified).")
        return responses


class RegistryAPIMixin:
    """Mixed into every read-only view of the public API (see the module docstring)."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [StrictFilterBackend]
    schema = RegistryAutoSchema()
    last_modified: datetime.datetime | None = None

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)  # type: ignore[misc]
        except Http404 as exc:
            # An unknown `?format=` is the client's mistake in one parameter, not a 404.
            raise exceptions.ValidationError(
                {FORMAT_PARAMETER: "Unknown format: use json or csv."}
            ) from exc

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON even when CSV was asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        if isinstance(response, Response):
            # The same URL answers JSON or CSV depending on Accept.
            patch_vary_headers(response, ["Accept"])
            response = conditional_response(request, response, last_modified=self.last_modified)
        return add_deprecation_headers(response, request.query_params)

    def note_last_modified(self, records: Iterable[Any]) -> None:
        """Remember the newest `modified_at` among the records shown, for Last-Modified."""
        stamps = [r.modified_at for r in records if getattr(r, "modified_at", None)]
        self.last_modified = max(stamps) if stamps else None
