"""GET /api/v1/search/: the search page's query as JSON (hits, facet counts, total).

The parameters are the page's, so a search's URL on the site and in the API differ only by
the prefix. Errors follow the API's format (`{"errors": [{"field", "message"}]}`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api_conventions import ErrorSerializer
from registry.api_deprecation import add_deprecation_headers
from search.engine import (
    HIT_TYPES,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SORT_ORDERS,
    SearchResult,
    SearchUnavailable,
)
from search.facets import CATALOG_FACETS, DISCLOSURE_FACETS
from search.params import (
    SEARCH_PARAMETERS,
    SearchParamError,
    query_to_params,
    search_query_from_params,
)
from search.service import export_query, search_run

API_PARAMETERS = SEARCH_PARAMETERS | {"format"}


class HitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(HIT_TYPES))
    id = serializers.IntegerField(
        help_text="The incident id, report number or disclosure id, by `type`."
    )
    incident_id = serializers.IntegerField(
        allow_null=True, help_text="Incident hits: the incident id (AIID: `incident_id`)."
    )
    incident_ids = serializers.ListField(child=serializers.IntegerField())
    report_number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    url = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    snippet = serializers.CharField(
        help_text="HTML: the text is escaped; matched words are wrapped in <mark></mark>."
    )
    score = serializers.FloatField(
        allow_null=True, help_text="Relevance; null when sorted by date."
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    values = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as understood (normalised).")
    total = serializers.IntegerField(help_text="How many hits match (see `estimated`).")
    estimated = serializers.BooleanField(help_text="True when `total` is an estimate.")
    reachable = serializers.IntegerField(
        help_text="How many hits following `next` yields. Fewer than `total` when "
        "`paging_capped`: relevance paging of a very common word's reports reaches the "
        "reports of the best-ranked incidents only, and pages reach the first 10,000 hits."
    )
    paging_capped = serializers.BooleanField(
        help_text="True when the pages cannot reach every match: follow `all_results` "
        "(sorted by date, every match up to 10,000) or download `export_csv` / `export_json` "
        "(every match, any number)."
    )
    all_results = serializers.CharField(
        allow_null=True,
        help_text="When `paging_capped` by relevance: the same search sorted by date, whose "
        "pages reach every match (up to 10,000).",
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="Pages of `page_size` reaching `reachable` hits.")
    page_size = serializers.IntegerField()
    engine = serializers.CharField()
    suggestion = serializers.CharField(allow_null=True, help_text="Did you mean ...")
    corrected_from = serializers.CharField(
        allow_null=True,
        help_text="Always null: a suggestion is offered, never run in the query's place.",
    )
    notices = serializers.ListField(child=serializers.CharField())
    hits = HitSerializer(many=True)
    facets = FacetSerializer(many=True)
    facets_estimated = serializers.BooleanField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    export_csv = serializers.CharField(help_text="The whole result set as CSV (streamed).")
    export_json = serializers.CharField(help_text="The whole result set as JSON (streamed).")


FACET_HELP = (
    "Filter `name:value`, repeatable (OR within a facet, AND across facets). Facets: "
    + ", ".join(sorted(CATALOG_FACETS))
    + "; for type=disclosure: "
    + ", ".join(sorted(DISCLOSURE_FACETS))
    + ". An unknown name is a 400; an unknown value matches nothing."
)

PARAMETERS = [
    OpenApiParameter("q", str, description='Query: words, "phrases", -exclusions, or.'),
    OpenApiParameter(
        "type",
        str,
        enum=list(HIT_TYPES),
        description="incident: one hit per "
        "incident (default); report: every report; disclosure: emissions.",
    ),
    OpenApiParameter("sort", str, enum=list(SORT_ORDERS)),
    OpenApiParameter("facet", str, many=True, description=FACET_HELP),
    OpenApiParameter("author", str, many=True, description="Report author (exact, any case)."),
    OpenApiParameter("flagged", str, enum=["yes", "no"]),
    OpenApiParameter("incident", int, many=True, description="Incident id."),
    OpenApiParameter("date_after", OpenApiTypes.DATE, description="Incident date on or after."),
    OpenApiParameter("date_before", OpenApiTypes.DATE, description="Incident date on or before."),
    OpenApiParameter(
        "date_from",
        OpenApiTypes.DATE,
        description="Deprecated alias of `date_after`.",
        deprecated=True,
    ),
    OpenApiParameter(
        "date_to",
        OpenApiTypes.DATE,
        description="Deprecated alias of `date_before`.",
        deprecated=True,
    ),
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW},
        description="1-based; pages reach the first 10,000 hits (`page` times `page_size`).",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"1 or more (default 20); values above {MAX_PAGE_SIZE} are capped.",
    ),
    OpenApiParameter("facets", str, enum=["yes", "no"], description="Count facets (default yes)."),
]


def _error(message: str, field: str | None, status: int) -> Response:
    return Response({"errors": [{"field": field, "message": message}]}, status=status)


class SearchAPIView(APIView):
    """Full-text search of incidents, reports and verified emissions disclosures."""

    @extend_schema(
        operation_id="search",
        parameters=PARAMETERS,
        responses={
            200: SearchResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A parameter is invalid."),
            503: OpenApiResponse(ErrorSerializer, description="The search timed out."),
        },
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - API_PARAMETERS)
        if unknown:
            return Response(
                {"errors": [{"field": n, "message": "Unknown query parameter."} for n in unknown]},
                status=400,
            )
        try:
            query = search_query_from_params(request.query_params, user=request.user)
        except SearchParamError as exc:
            return _error(str(exc), exc.field, 400)
        try:
            result = search_run(query)
        except SearchUnavailable as exc:
            return _error(str(exc), None, 503)
        response = Response(SearchResponseSerializer(_payload(request, result)).data)
        return add_deprecation_headers(response, request.query_params)


def _payload(request: Request, result: SearchResult) -> dict[str, Any]:
    query = result.query
    base = request.build_absolute_uri(reverse("search_api"))

    def page_link(page: int) -> str:
        return base + "?" + urlencode(query_to_params(query, page=str(page)))

    count = result.count  # the one counting rule (search/counting.py), as the page shows it
    relevance = query.effective_sort == "relevance" and not query.parsed.is_empty
    notice = count.capped_notice(relevance=relevance)
    exported = export_query(result)
    export = "?" + urlencode(query_to_params(exported, page=None, page_size=None))
    return {
        "query": query.parsed.text,
        "total": count.total,
        "estimated": not count.exact,
        "reachable": count.reachable,
        "paging_capped": count.capped,
        "all_results": base + "?" + urlencode(query_to_params(query, page=None, sort="newest"))
        if count.capped and relevance
        else None,
        "page": query.page,
        "pages": count.pages,
        "page_size": query.page_size,
        "engine": result.engine,
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
        "notices": list(result.notices) + ([notice] if notice else []),
        "hits": [
            {
                "type": hit.type,
                "id": hit.id,
                "incident_id": hit.id if hit.type == "incident" else None,
                "incident_ids": list(hit.incident_ids),
                "report_number": hit.report_number,
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url),
                "date": hit.date,
                "snippet": str(hit.snippet),
                "score": hit.score,
            }
            for hit in result.hits
        ],
        "facets": [
            {
                "name": facet.name,
                "label": facet.label,
                "values": [vars(value) for value in facet.values],
            }
            for facet in result.facets
        ],
        "facets_estimated": result.facets_estimated,
        "next": page_link(query.page + 1) if query.page < count.pages else None,
        "previous": page_link(query.page - 1) if query.page > 1 else None,
        "export_csv": request.build_absolute_uri(reverse("search_export_csv")) + export,
        "export_json": request.build_absolute_uri(reverse("search_export_json")) + export,
    }
