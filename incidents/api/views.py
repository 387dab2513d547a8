"""The public read API of the incident catalog (mounted under /api/v1/).

Views only wire selectors, filters, serializers and the conventions together; the rules of
what is visible live in `incidents.api.selectors`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from incidents.api import csv_columns, filters, selectors, serializers
from incidents.models import EntityRedirect, EntityRole, IncidentRedirect
from incidents.normalise import normalise_url
from registry.api_conventions import (
    CSV_CHUNK_ROWS,
    FORMAT_PARAMETER,
    ErrorSerializer,
    RegistryAPIMixin,
    raw_csv_requested,
    stream_csv_response,
    unknown_parameter_error,
)
from registry.api_csv import CsvColumn, stream_copy_csv_response
from registry.api_cursor_pagination import MAX_INTEGER_POSITION, RegistryCursorPagination

MAX_LOOKUP_URL_LENGTH = 2000


class CatalogViewSet(RegistryAPIMixin, ReadOnlyModelViewSet):
    """A read-only collection: cursor-paginated JSON, or the whole filtered set as CSV."""

    pagination_class = RegistryCursorPagination
    lookup_value_regex = r"[^/]+"
    orderings: Mapping[str, tuple[str, ...]] = {}
    summaries: Mapping[str, str] = {}
    csv_name = "export"
    integer_lookup = False
    detail_serializer_class: type | None = None

    def get_serializer_class(self) -> type:
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format == "csv":
            # Checked before the stream starts: afterwards an error could only cut it short.
            return self.csv_download(queryset, raw=raw_csv_requested(request))
        page = self.paginate_queryset(queryset)
        self.note_last_modified(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        lookup = kwargs[self.lookup_field]
        # No record has such a key; PostgreSQL would refuse the NUL byte with an error.
        if "\x00" in lookup or (self.integer_lookup and not _is_id(lookup)):
            raise exceptions.NotFound()
        queryset = self.filter_queryset(self.get_queryset())
        instance = queryset.filter(**{self.lookup_field: lookup}).first()
        if instance is None:
            return self.redirect_or_404(lookup)
        self.note_last_modified([instance])
        return Response(self.get_serializer(instance).data)

    def redirect_or_404(self, lookup: str) -> Any:
        raise exceptions.NotFound()

    # Each list names its CSV's columns as PostgreSQL writes them, the serializer's fields
    # (`incidents.api.csv_columns`), in a `csv_columns(self)` method of its own.
    csv_columns: Callable[[], list[CsvColumn]]

    def csv_ordering(self) -> tuple[str, ...]:
        orderings = self.orderings
        return orderings.get(
            self.request.query_params.get("ordering") or "", next(iter(orderings.values()))
        )

    def csv_download(self, queryset: QuerySet, *, raw: bool = False) -> StreamingHttpResponse:
        return stream_copy_csv_response(
            queryset=queryset.order_by(*self.csv_ordering()),
            columns=self.csv_columns(),
            filename=f"{self.csv_name}.csv",
            raw=raw,
        )

    # The Python writer: the reference the COPY writer's output is tested against, byte for
    # byte (tests/api/test_csv_copy.py).

    def csv_header(self) -> list[str]:
        return list(self.get_serializer_class()().fields)

    def csv_row(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def python_csv_download(
        self, queryset: QuerySet, *, raw: bool = False
    ) -> StreamingHttpResponse:
        serializer = self.get_serializer_class()(context=self.get_serializer_context())

        def rows() -> Iterator[dict[str, Any]]:
            records = queryset.order_by(*self.csv_ordering()).iterator(chunk_size=CSV_CHUNK_ROWS)
            for record in records:
                yield self.csv_row(serializer.to_representation(record))

        return stream_csv_response(
            header=self.csv_header(), rows=rows(), filename=f"{self.csv_name}.csv", raw=raw
        )


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) <= MAX_INTEGER_POSITION


def _redirect(viewname: str, key: Any) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(reverse(viewname, args=[key]))


# The AIID's column names (its incidents.csv), so that a join on them needs no renaming; each
# cell is a JSON array of entity slugs (`entity_id`), as the AIID writes them.
ROLE_COLUMNS = {
    EntityRole.DEPLOYER: "Alleged deployer of AI system",
    EntityRole.DEVELOPER: "Alleged developer of AI system",
    EntityRole.HARMED: "Alleged harmed or nearly harmed parties",
    EntityRole.IMPLICATED_SYSTEM: "implicated_systems",
}


class IncidentViewSet(CatalogViewSet):
    """Incidents with their entities by role, report numbers and published classifications.

    A merged duplicate's old id answers 301 to the incident that absorbed it.
    """

    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilterSet
    orderings = {
        "-id": ("-id",),
        "id": ("id",),
        "-date": ("-date_key", "-id"),
        "date": ("date_key", "id"),
    }
    csv_name = "incidents"
    summaries = {
        "list": "Incidents, filtered (entity and role, taxonomy value, date, ...)",
        "retrieve": "One incident, with its entities, reports and classifications",
    }
    answers_redirects = True
    integer_lookup = True

    def get_queryset(self) -> QuerySet:
        return selectors.incidents_for_api()

    def redirect_or_404(self, lookup: str) -> Any:
        redirect = IncidentRedirect.objects.filter(old_id=int(lookup)).first()
        if redirect is None:
            raise exceptions.NotFound()
        return _redirect("api-incidents-detail", redirect.target_id)

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.incident_columns(ROLE_COLUMNS)

    def csv_header(self) -> list[str]:
        header = super().csv_header()
        at = header.index("entities")
        return header[:at] + list(ROLE_COLUMNS.values()) + header[at + 1 :]

    def csv_row(self, data: dict[str, Any]) -> dict[str, Any]:
        entities = data.pop("entities")
        for role, column in ROLE_COLUMNS.items():
            data[column] = [entity["slug"] for entity in entities[role]]
        return data


class ReportViewSet(CatalogViewSet):
    """Reports (news articles, statements, ...). Lists omit the text; a report's page has it."""

    serializer_class = serializers.ReportSerializer
    detail_serializer_class = serializers.ReportDetailSerializer
    filterset_class = filters.ReportFilterSet
    orderings = {
        "-number": ("-number",),
        "number": ("number",),
        "-date_published": ("-date_key", "-number"),
        "date_published": ("date_key", "number"),
    }
    lookup_field = "number"
    csv_name = "reports"
    summaries = {
        "list": "Reports, filtered (incident, entity, domain, language, kind, ...)",
        "retrieve": "One report, with its text",
    }
    integer_lookup = True

    def with_text(self) -> bool:
        return self.action == "retrieve" or self.request.query_params.get("fields") == "text"

    def get_serializer_class(self) -> type:
        if self.with_text():
            return serializers.ReportDetailSerializer
        return super().get_serializer_class()

    def get_queryset(self) -> QuerySet:
        return selectors.reports_for_api(with_text=self.with_text())

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.report_columns(with_text=self.with_text())


class EntityViewSet(CatalogViewSet):
    """Organisations, groups of people and AI systems named in incidents. A merged entity's
    old slug answers 301 to the entity that absorbed it."""

    serializer_class = serializers.EntitySerializer
    detail_serializer_class = serializers.EntityDetailSerializer
    filterset_class = filters.EntityFilterSet
    orderings = {"slug": ("slug",)}
    lookup_field = "slug"
    csv_name = "entities"
    summaries = {
        "list": "Entities (organisations, groups, AI systems)",
        "retrieve": "One entity, with its incidents by role",
    }
    answers_redirects = True

    def get_queryset(self) -> QuerySet:
        return selectors.entities_for_api()

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.entity_columns()

    def redirect_or_404(self, lookup: str) -> Any:
        redirect = EntityRedirect.objects.filter(old_slug=lookup).select_related("target").first()
        if redirect is None:
            raise exceptions.NotFound()
        return _redirect("api-entities-detail", redirect.target.slug)


class TaxonomyViewSet(CatalogViewSet):
    """Public taxonomies (MIT, GMF, CSET, ...) with their public fields in display order."""

    serializer_class = serializers.TaxonomySerializer
    filterset_class = filters.TaxonomyFilterSet
    orderings = {"namespace": ("namespace",)}
    lookup_field = "namespace"
    csv_name = "taxonomies"
    summaries = {
        "list": "Public taxonomies and their fields",
        "retrieve": "One taxonomy and its fields",
    }

    def get_queryset(self) -> QuerySet:
        return selectors.taxonomies_for_api()

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.taxonomy_columns()


class ClassificationViewSet(CatalogViewSet):
    """Published classifications of incidents and reports (public fields only)."""

    serializer_class = serializers.ClassificationSerializer
    filterset_class = filters.ClassificationFilterSet
    orderings = {"id": ("id",)}
    csv_name = "classifications"
    summaries = {
        "list": "Published classifications (filter by namespace, incident, facet)",
        "retrieve": "One classification",
    }
    integer_lookup = True

    def get_queryset(self) -> QuerySet:
        return selectors.classifications_for_api()

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.classification_columns()


class LookupView(RegistryAPIMixin, APIView):
    """Is this URL already in the registry, and in which incidents?"""

    parameters = frozenset({"url", FORMAT_PARAMETER})
    summaries = {"get": "Is this URL in the registry, and in which incidents?"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "url",
                OpenApiTypes.STR,
                required=True,
                description="The address of an article; compared after normalisation "
                "(scheme, `www.`, tracking parameters, trailing slash are ignored).",
            )
        ],
        responses={
            200: serializers.LookupSerializer,
            400: OpenApiResponse(ErrorSerializer, "Missing or malformed `url`."),
        },
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - self.parameters
        if unknown:
            raise unknown_parameter_error(unknown)
        url = request.query_params.get("url", "").strip()
        if not url:
            raise exceptions.ValidationError({"url": "This parameter is required."})
        if len(url) > MAX_LOOKUP_URL_LENGTH or "\x00" in url:
            raise exceptions.ValidationError(
                {"url": f"At most {MAX_LOOKUP_URL_LENGTH} characters, no NUL bytes."}
            )
        reports = list(selectors.reports_matching_url(url=url))
        self.note_last_modified(reports)
        incidents = sorted({i for report in reports for i in report.incident_ids or []})
        return Response(
            {
                "url": url,
                "url_normalised": normalise_url(url),
                "found": bool(reports),
                "reports": [
                    {
                        "number": r.number,
                        "title": r.title,
                        "url": r.url,
                        "incidents": r.incident_ids or [],
                    }
                    for r in reports
                ],
                "incidents": incidents,
            }
        )


__all__ = [
    "ClassificationViewSet",
    "EntityViewSet",
    "IncidentViewSet",
    "LookupView",
    "ReportViewSet",
    "TaxonomyViewSet",
]
