"""The submission queue over the API: public filing (throttled), the owner's and editors'
view of one submission, and the editors' actions as POSTs (never as writable state fields).

Field names follow the AIID submission format. Errors use the API's one format
(`{"errors": [{"field", "message"}]}`); a decision lost to another editor is a 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from incidents.models.submissions import Submission, SubmissionOutcome
from incidents.services.duplicates import (
    DuplicateMatches,
    duplicates_find,
    duplicates_for_submission,
)
from incidents.services.submission_input import (
    SubmissionData,
    submission_validate,
    text_storable,
)
from incidents.services.submission_queue import (
    QUEUE_SORTS,
    QUEUE_STATES,
    QueueFilters,
    submission_visible_to,
    submissions_for_user,
    submissions_queue,
)
from incidents.services.submissions import (
    BULK_ACTIONS,
    idempotency_scope_for,
    is_editor,
    submission_accept,
    submission_claim,
    submission_create,
    submission_reject,
    submission_unclaim,
    submissions_bulk,
)
from registry.api_conventions import ErrorSerializer
from registry.ids import MAX_ID
from registry.workflow import TransitionNotAllowed

ACCEPT_AS = {
    SubmissionOutcome.NEW_INCIDENT.value: "accept_new_incident",
    SubmissionOutcome.EXISTING_INCIDENTS.value: "accept_existing",
    SubmissionOutcome.ISSUE.value: "accept_issue",
}
IDEMPOTENCY_HEADER = "Idempotency-Key"


class SubmissionRateThrottle(SimpleRateThrottle):
    """Submissions per client address (the `submissions` rate), shared by the API and the
    HTML form. Editors are not throttled."""

    scope = "submissions"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if is_editor(getattr(request, "user", None)):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_ident(self, request: Any) -> str:
        # X-Forwarded-For counts only behind configured proxies (NUM_PROXIES): otherwise a
        # client could name a fresh address in every request and never be throttled.
        if api_settings.NUM_PROXIES:
            return super().get_ident(request)
        return request.META.get("REMOTE_ADDR", "") or "unknown"


class IsEditor(permissions.BasePermission):
    message = "Only editors may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_editor(request.user)


# --- Serializers -----------------------------------------------------------------------------


def _names(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=True),
        required=False,
        max_length=200,
        help_text=help_text,
    )


def _text(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=True, help_text=help_text
    )


class SubmissionInputSerializer(serializers.Serializer):
    """A report to submit, optionally with the incidents it belongs to or a proposed one."""

    url = serializers.CharField(help_text="The article's URL (required).")
    title = _text("6 to 500 characters (optional for a quick add).")
    text = _text("80 to 50,000 characters (optional for a quick add).")
    authors = _names("Each 3 to 200 characters.")
    date_published = serializers.DateField(required=False, allow_null=True)
    date_downloaded = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, default="en", help_text="ISO code.")
    image_url = _text()
    incident_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
        help_text="Existing incidents the report belongs to.",
    )
    incident_title = _text("A proposed new incident: its title.")
    incident_date = serializers.DateField(required=False, allow_null=True)
    description = _text("A proposed new incident: what happened.")
    deployers = _names("Alleged deployers of the AI system.")
    developers = _names("Alleged developers of the AI system.")
    harmed_parties = _names("Alleged harmed or nearly harmed parties.")
    submitter_name = _text()
    submitter_email = _text("Where to write when an editor decides (never shown).")
    quick_add = serializers.BooleanField(
        required=False, default=False, help_text="Just a URL: title and text become optional."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        quick = attrs.pop("quick_add", False)
        data = SubmissionData(**attrs).cleaned()
        errors = submission_validate(data, quick_add=quick)
        if errors:
            raise serializers.ValidationError(errors)
        return {"data": data, "quick_add": quick}


class DuplicateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="same_url, similar_title or same_entities.")
    kind = serializers.CharField(help_text="report, incident or submission.")
    id = serializers.IntegerField()
    title = serializers.CharField()
    link = serializers.CharField(help_text="A path on this site.")
    detail = serializers.CharField()


def duplicates_data(matches: DuplicateMatches) -> list[dict[str, Any]]:
    return [
        {
            "reason": reason,
            "kind": c.kind,
            "id": c.pk,
            "title": c.title,
            "link": c.link,
            "detail": c.detail,
        }
        for reason, candidates in (
            ("same_url", matches.same_url),
            ("similar_title", matches.similar_title),
            ("same_entities", matches.same_entities),
        )
        for c in candidates
    ]


class SubmissionSerializer(serializers.ModelSerializer):
    """A submission as its owner and the editors see it."""

    # Plain strings documented in words: named enums for `state` would clash with other
    # areas' `state` enums in the shared schema.
    state = serializers.CharField(read_only=True, help_text="new, in_review, accepted or rejected.")
    status_url = serializers.SerializerMethodField(help_text="The private status page.")
    # Plain strings: imported records may hold URLs that are not valid URIs, and the outcome
    # is empty until a decision.
    url = serializers.CharField(read_only=True)
    image_url = serializers.CharField(read_only=True)
    outcome = serializers.CharField(
        read_only=True,
        help_text="Empty while open; new_incident, existing_incidents, issue or rejected.",
    )
    resulting_report = serializers.IntegerField(source="resulting_report_id", allow_null=True)
    resulting_incidents = serializers.SerializerMethodField()
    claimed_by = serializers.SerializerMethodField(help_text="Editors only; null for others.")

    class Meta:
        model = Submission
        fields = [
            "id",
            "state",
            "outcome",
            "decision_reason",
            "url",
            "title",
            "text",
            "authors",
            "date_published",
            "date_downloaded",
            "language",
            "image_url",
            "quick_add",
            "incident_ids",
            "incident_title",
            "incident_date",
            "description",
            "deployers",
            "developers",
            "harmed_parties",
            "possible_duplicate",
            "resulting_report",
            "resulting_incidents",
            "claimed_by",
            "created_at",
            "decided_at",
            "status_url",
        ]
        read_only_fields = fields

    def get_status_url(self, submission: Submission) -> str:
        return submission.get_absolute_url()

    def get_resulting_incidents(self, submission: Submission) -> list[int]:
        return sorted(i.pk for i in submission.resulting_incidents.all())

    def get_claimed_by(self, submission: Submission) -> str | None:
        request = self.context.get("request")
        if request is None or not is_editor(request.user) or submission.claimed_by is None:
            return None
        return submission.claimed_by.get_username()


class SubmissionFiledSerializer(SubmissionSerializer):
    possible_duplicates = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "possible_duplicates"]
        read_only_fields = fields

    def get_possible_duplicates(self, submission: Submission) -> list[dict[str, Any]]:
        return self.context.get("possible_duplicates", [])


class AcceptSerializer(serializers.Serializer):
    accept_as = serializers.ChoiceField(
        choices=list(ACCEPT_AS), help_text="new_incident, existing_incidents or issue."
    )
    incident_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
        help_text="For existing_incidents; default: those the submitter named.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Shown to the submitter.")


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
    )
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.DictField(child=serializers.CharField(), help_text="id -> why")


class DuplicateQuerySerializer(serializers.Serializer):
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Views -----------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, "Invalid input."),
    401: OpenApiResponse(ErrorSerializer, "Not logged in."),
    403: OpenApiResponse(ErrorSerializer, "Editors only."),
    404: OpenApiResponse(ErrorSerializer, "No such submission (or not yours), or no such page."),
    409: OpenApiResponse(ErrorSerializer, "Not possible now: decided or claimed by another."),
    429: OpenApiResponse(ErrorSerializer, "Too many requests: wait `Retry-After` seconds."),
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def _decision(summary: str, request_body: Any = None) -> Any:
    return extend_schema(
        summary=summary,
        request=request_body,
        responses={200: SubmissionSerializer, **_errors(400, 401, 403, 404, 409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Submissions: the editors' queue, or your own",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=list(QUEUE_STATES)),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(QUEUE_SORTS)),
            OpenApiParameter("mine", OpenApiTypes.BOOL),
        ],
        responses={200: SubmissionSerializer(many=True), **_errors(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One submission (its submitter or an editor)",
        responses={200: SubmissionSerializer, **_errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Submit a report (public, throttled)",
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description="Sending one submission twice with the same key files it once.",
            )
        ],
        request=SubmissionInputSerializer,
        responses={
            201: SubmissionFiledSerializer,
            200: OpenApiResponse(SubmissionFiledSerializer, "Already filed with this key."),
            **_errors(400, 403, 429),
        },
    ),
)
class SubmissionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubmissionSerializer
    queryset = Submission.objects.none()
    # Any segment matches, so `/submissions/abc/` is a JSON 404 rather than an HTML page.
    lookup_value_regex = "[^/]+"
    filter_backends: list = []

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "duplicates"):
            return [permissions.AllowAny()]
        if self.action in ("list", "retrieve"):
            return [permissions.IsAuthenticated()]
        return [permissions.IsAuthenticated(), IsEditor()]

    def get_throttles(self) -> list[Any]:
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(SubmissionRateThrottle())
        return throttles

    def handle_exception(self, exc: Exception) -> Response:
        # Service refusals become API answers instead of 500s.
        if isinstance(exc, TransitionNotAllowed):
            exc = _Conflict(str(exc))
        elif isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            )
        elif isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        elif isinstance(exc, ObjectDoesNotExist):
            exc = exceptions.NotFound()
        return super().handle_exception(exc)

    def get_queryset(self) -> Any:
        user = self.request.user
        if self.action == "list" and is_editor(user):
            query = self.request.query_params
            state = query.get("state", "open")
            sort = query.get("sort", "oldest")
            if state not in QUEUE_STATES or sort not in QUEUE_SORTS:
                raise exceptions.ValidationError(
                    {"state": f"One of {', '.join(QUEUE_STATES)}."}
                    if state not in QUEUE_STATES
                    else {"sort": f"One of {', '.join(QUEUE_SORTS)}."}
                )
            filters = QueueFilters(state=state, sort=sort, mine=query.get("mine") == "true")
            return submissions_queue(actor=user, filters=filters).prefetch_related(
                "resulting_incidents"
            )
        return submissions_for_user(user)

    def get_object(self) -> Submission:
        raw = str(self.kwargs.get("pk", ""))
        submission = None
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            submission = submission_visible_to(actor=self.request.user, submission_id=int(raw))
        if submission is None:
            raise exceptions.NotFound("No such submission.")
        return submission

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _idempotency_key(request)
        serializer = SubmissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        filed = submission_create(
            data=serializer.validated_data["data"],
            submitter=request.user if request.user.is_authenticated else None,
            quick_add=serializer.validated_data["quick_add"],
            idempotency_key=key,
            idempotency_scope=idempotency_scope_for(
                user=request.user,
                session_key=None,
                address=SubmissionRateThrottle().get_ident(request),
            ),
            source="api",
        )
        submission = filed.submission
        matches = duplicates_for_submission(submission=submission, include_submissions=False)
        context = {**self.get_serializer_context(), "possible_duplicates": duplicates_data(matches)}
        body = SubmissionFiledSerializer(submission, context=context).data
        return Response(
            body, status=status.HTTP_201_CREATED if filed.created else status.HTTP_200_OK
        )

    def _respond(self, submission: Submission) -> Response:
        fresh = submission_visible_to(actor=self.request.user, submission_id=submission.pk)
        return Response(SubmissionSerializer(fresh, context=self.get_serializer_context()).data)

    def _target(self) -> int:
        # 404 for ids that do not exist, before the service is asked.
        return self.get_object().pk

    @_decision("Claim a new submission (editors)")
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(submission_claim(submission_id=self._target(), actor=request.user))

    @_decision("Release a claim (the claimer or staff)")
    @action(detail=True, methods=["post"])
    def unclaim(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(submission_unclaim(submission_id=self._target(), actor=request.user))

    @_decision(
        "Accept: as a new incident, into existing incidents, or as an issue", AcceptSerializer
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        submission_id = self._target()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accepted = submission_accept(
            submission_id=submission_id,
            actor=request.user,
            action=ACCEPT_AS[body.validated_data["accept_as"]],
            incident_ids=body.validated_data.get("incident_ids"),
            reason=body.validated_data.get("reason", ""),
        )
        return self._respond(accepted)

    @_decision("Reject with a reason shown to the submitter", RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        submission_id = self._target()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = submission_reject(
            submission_id=submission_id, actor=request.user, reason=body.validated_data["reason"]
        )
        return self._respond(rejected)

    @extend_schema(
        summary="Claim or reject many submissions at once (editors)",
        request=BulkSerializer,
        responses={200: BulkResultSerializer, **_errors(400, 401, 403)},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        body = BulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = submissions_bulk(
            submission_ids=body.validated_data["ids"],
            action=body.validated_data["action"],
            actor=request.user,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(
            {"done": outcome.done, "skipped": {str(k): v for k, v in outcome.refused.items()}}
        )

    @extend_schema(
        summary="Possible duplicates of a report before submitting it (public)",
        parameters=[
            OpenApiParameter("url", OpenApiTypes.STR),
            OpenApiParameter("title", OpenApiTypes.STR),
        ],
        responses={200: DuplicateSerializer(many=True), **_errors(400, 429)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def duplicates(self, request: Request) -> Response:
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        url, title = query.validated_data.get("url", ""), query.validated_data.get("title", "")
        if not (url or title) or not all(text_storable(v) for v in (url, title)):
            raise exceptions.ValidationError({"url": "Give a url or a title to check."})
        return Response(duplicates_data(duplicates_find(url=url, title=title)))


class _Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _idempotency_key(request: Request) -> uuid.UUID | None:
    raw = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: "Use a UUID."}) from exc
