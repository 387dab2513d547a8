"""Editors' catalog tools as API actions (POST), each calling one audited service of
incidents.services.editing. Path ids that name nothing are 404; ids in the body that name
nothing are 400; everything here is for editors only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.api.submissions import IsEditor
from incidents.models import IncidentLinkKind, Report
from incidents.services.editing import (
    entities_merge,
    entity_current,
    incident_current_id,
    incidents_link,
    incidents_merge,
    incidents_unlink,
    report_link_incident,
    report_set_flag,
    report_unlink_incident,
)
from registry.api_conventions import ErrorSerializer
from registry.ids import MAX_ID, parse_id


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text)


class MergeIncidentSerializer(serializers.Serializer):
    into = _id("The incident that absorbs this one.")
    reason = serializers.CharField(max_length=2000)


class MergeEntitySerializer(serializers.Serializer):
    into = serializers.SlugField(max_length=200, allow_unicode=True)
    reason = serializers.CharField(max_length=2000)


class IncidentRefSerializer(serializers.Serializer):
    incident_id = _id("An incident id.")


class IncidentLinkSerializer(serializers.Serializer):
    other_id = _id("The other incident.")
    # A string checked below rather than a ChoiceField: a second named `kind` enum would
    # clash with the report kinds in the shared schema.
    kind = serializers.CharField(help_text="similar or dissimilar.")

    def validate_kind(self, value: str) -> str:
        if value not in IncidentLinkKind.values:
            raise serializers.ValidationError("Use similar or dissimilar.")
        return value


class OtherIncidentSerializer(serializers.Serializer):
    other_id = _id("The other incident.")


class FlagSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MergedIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The surviving incident.")
    redirected = serializers.IntegerField(help_text="The merged id, which now redirects.")


class MergedEntitySerializer(serializers.Serializer):
    slug = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    redirected = serializers.CharField()


class ReportStateSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    flagged = serializers.BooleanField()
    incidents = serializers.ListField(child=serializers.IntegerField())


class IncidentLinkResultSerializer(serializers.Serializer):
    incident_id = serializers.IntegerField()
    other_id = serializers.IntegerField()
    kind = serializers.CharField(allow_null=True)


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, "Invalid input, or refused (e.g. merging into itself)."),
    401: OpenApiResponse(ErrorSerializer, "Not logged in."),
    403: OpenApiResponse(ErrorSerializer, "Editors only."),
    404: OpenApiResponse(ErrorSerializer, "No such record."),
}


def _report_state(report: Report) -> dict[str, Any]:
    return {
        "number": report.pk,
        "kind": report.kind,
        "flagged": report.flagged,
        "incidents": sorted(report.incidents.values_list("pk", flat=True)),
    }


def _path_int(raw: object) -> int:
    value = parse_id(raw)
    if value is None:
        raise exceptions.NotFound("No such record.")
    return value


class EditorAction(APIView):
    """An editors-only POST whose service refusals become 400s, never 500s."""

    permission_classes = [permissions.IsAuthenticated, IsEditor]
    body: type[serializers.Serializer] = serializers.Serializer

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            )
        elif isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)

    def validated(self, request: Request) -> dict[str, Any]:
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def incident_id(self) -> int:
        incident_id = _path_int(self.kwargs["incident_id"])
        if incident_current_id(incident_id) is None:
            raise exceptions.NotFound("No such incident.")
        return incident_id

    def report_number(self) -> int:
        number = _path_int(self.kwargs["number"])
        if not Report.objects.filter(pk=number).exists():
            raise exceptions.NotFound("No such report.")
        return number


INCIDENT_PATH = [OpenApiParameter("incident_id", OpenApiTypes.INT, OpenApiParameter.PATH)]
REPORT_PATH = [OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)]


class IncidentMergeView(EditorAction):
    body = MergeIncidentSerializer

    @extend_schema(
        summary="Merge this incident into another (its id then redirects)",
        parameters=INCIDENT_PATH,
        request=MergeIncidentSerializer,
        responses={200: MergedIncidentSerializer, **ERRORS},
    )
    def post(self, request: Request, incident_id: str) -> Response:
        duplicate_id = self.incident_id()
        data = self.validated(request)
        target = incidents_merge(
            duplicate_id=duplicate_id,
            target_id=data["into"],
            actor=request.user,
            reason=data["reason"],
        )
        return Response({"id": target.pk, "redirected": duplicate_id})


class IncidentLinkView(EditorAction):
    body = IncidentLinkSerializer

    @extend_schema(
        summary="Record another incident as similar or dissimilar to this one",
        parameters=INCIDENT_PATH,
        request=IncidentLinkSerializer,
        responses={200: IncidentLinkResultSerializer, **ERRORS},
    )
    def post(self, request: Request, incident_id: str) -> Response:
        own_id = self.incident_id()
        data = self.validated(request)
        link = incidents_link(
            incident_id=own_id, other_id=data["other_id"], kind=data["kind"], actor=request.user
        )
        return Response(
            {"incident_id": link.incident_id, "other_id": link.other_id, "kind": link.kind}
        )


class IncidentUnlinkView(EditorAction):
    body = OtherIncidentSerializer

    @extend_schema(
        summary="Remove a similar/dissimilar link",
        parameters=INCIDENT_PATH,
        request=OtherIncidentSerializer,
        responses={200: IncidentLinkResultSerializer, **ERRORS},
    )
    def post(self, request: Request, incident_id: str) -> Response:
        own_id = self.incident_id()
        data = self.validated(request)
        incidents_unlink(incident_id=own_id, other_id=data["other_id"], actor=request.user)
        return Response({"incident_id": own_id, "other_id": data["other_id"], "kind": None})


class ReportLinkView(EditorAction):
    body = IncidentRefSerializer

    @extend_schema(
        summary="Add this report to an incident",
        parameters=REPORT_PATH,
        request=IncidentRefSerializer,
        responses={200: ReportStateSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        report_number = self.report_number()
        data = self.validated(request)
        report = report_link_incident(
            report_number=report_number, incident_id=data["incident_id"], actor=request.user
        )
        return Response(_report_state(report))


class ReportUnlinkView(EditorAction):
    body = IncidentRefSerializer

    @extend_schema(
        summary="Take this report out of an incident",
        parameters=REPORT_PATH,
        request=IncidentRefSerializer,
        responses={200: ReportStateSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        report_number = self.report_number()
        data = self.validated(request)
        report = report_unlink_incident(
            report_number=report_number, incident_id=data["incident_id"], actor=request.user
        )
        return Response(_report_state(report))


class ReportFlagView(EditorAction):
    body = FlagSerializer
    flagged = True

    @extend_schema(
        summary="Flag this report for review",
        parameters=REPORT_PATH,
        request=FlagSerializer,
        responses={200: ReportStateSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        report_number = self.report_number()
        data = self.validated(request)
        report = report_set_flag(
            report_number=report_number,
            flagged=self.flagged,
            actor=request.user,
            reason=data.get("reason", ""),
        )
        return Response(_report_state(report))


class ReportUnflagView(ReportFlagView):
    flagged = False

    @extend_schema(
        summary="Clear this report's flag",
        parameters=REPORT_PATH,
        request=FlagSerializer,
        responses={200: ReportStateSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


class EntityMergeView(EditorAction):
    body = MergeEntitySerializer

    @extend_schema(
        summary="Merge this entity into another (its slug then redirects)",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=MergeEntitySerializer,
        responses={200: MergedEntitySerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        if "\x00" in slug or len(slug) > 200 or entity_current(slug) is None:
            raise exceptions.NotFound("No such entity.")
        data = self.validated(request)
        target = entities_merge(
            duplicate_slug=slug, target_slug=data["into"], actor=request.user, reason=data["reason"]
        )
        return Response({"slug": target.slug, "aliases": target.aliases, "redirected": slug})
