"""/api/v1/systems/: AI systems with their incidents summary and their models' footprints.

The same join as the system page (`emissions.systems`), in the same fixed number of queries;
only verified disclosures carry a footprint, a link to an undisclosed model says so with
``"disclosure": null``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emissions.systems import Footprint, system_page, systems_list
from registry.api_conventions import ErrorSerializer


class SystemSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    incident_count = serializers.IntegerField()
    footprint_count = serializers.IntegerField(help_text="Links to verified disclosures")
    url = serializers.SerializerMethodField()

    def get_url(self, entity: Any) -> str:
        return f"/systems/{entity.slug}/"


class FootprintSerializer(serializers.Serializer):
    relation = serializers.CharField(source="link.relation")
    relation_label = serializers.CharField(source="link.get_relation_display")
    model_name = serializers.CharField(source="link.model_name")
    source = serializers.CharField(source="link.source")
    linked_at = serializers.DateTimeField(source="link.linked_at")
    disclosure = serializers.SerializerMethodField()
    recomputed_gross_tco2e = serializers.FloatField(source="gross_tco2e", allow_null=True)
    low_tco2e = serializers.FloatField(allow_null=True)
    high_tco2e = serializers.FloatField(allow_null=True)
    verdict = serializers.CharField()
    hardware = serializers.ListField(child=serializers.CharField())
    year = serializers.IntegerField(allow_null=True)

    def get_disclosure(self, footprint: Footprint) -> dict[str, Any] | None:
        disclosure = footprint.disclosure
        if disclosure is None:
            return None
        return {
            "id": disclosure.pk,
            "model_name": disclosure.model_name,
            "model_version": disclosure.model_version,
            "organisation": disclosure.organisation,
            "claim_tco2e": disclosure.claim_tco2e,
            "url": disclosure.get_absolute_url(),
        }


class SystemIncidentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


class SystemDetailSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    incident_count = serializers.IntegerField()
    incidents_per_year = serializers.DictField(child=serializers.IntegerField())
    incidents = SystemIncidentRefSerializer(many=True)
    footprints = FootprintSerializer(many=True)
    total_direct_tco2e = serializers.FloatField(
        allow_null=True,
        help_text="Sum of the models the system is, is built on or fine-tuned from (when two "
        "or more are disclosed); same-family footprints are never added in",
    )


class SystemList(ListAPIView):
    """AI systems linked to at least one model, with incident and verified-footprint counts."""

    permission_classes = [AllowAny]
    serializer_class = SystemSummarySerializer

    def get_queryset(self):  # noqa: ANN201
        return systems_list()

    @extend_schema(
        summary="AI systems linked to disclosed models",
        tags=["systems"],
        responses={
            200: SystemSummarySerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, "Bad paging parameters: the errors say which."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SystemDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One AI system: its incidents by role and year, its models' footprints",
        tags=["systems"],
        responses={
            200: SystemDetailSerializer,
            404: OpenApiResponse(ErrorSerializer, "No entity with this slug."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        page = system_page(slug=slug)
        if page is None:
            raise exceptions.NotFound()
        roles: dict[int, dict[str, Any]] = {}
        for role, incidents in page.incidents_by_role:
            for incident in incidents:
                entry = roles.setdefault(
                    incident.pk,
                    {
                        "id": incident.pk,
                        "title": incident.title,
                        "date": incident.date,
                        "roles": [],
                    },
                )
                entry["roles"].append(role)
        data = {
            "slug": page.system.slug,
            "name": page.system.name,
            "url": f"/systems/{page.system.slug}/",
            "incident_count": page.incident_count,
            "incidents_per_year": {str(year): count for year, count in page.incidents_per_year},
            "incidents": list(roles.values()),
            "footprints": page.footprints,
            "total_direct_tco2e": page.total_direct_tco2e,
        }
        return Response(SystemDetailSerializer(data).data)
