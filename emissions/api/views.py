"""The disclosure workflow API (mounted under /api/v1/).

Views wire the selectors (who sees what), the services (every write) and the serializers
(shapes) together. Status codes: 404 when the disclosure is not visible to the caller (its
existence does not leak), 403 when it is visible but the action is not theirs, 409 when the
action is theirs but not from the current state (with the allowed actions), 400 for bad input.
Errors use the API's one format: ``{"errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from emissions.api import serializers as s
from emissions.api.common import JSONOnly, documented_responses, error_response, field_errors
from emissions.api.permissions import FollowsReview, IsDisclosureOwner, WorkflowActionPermitted
from emissions.models import Disclosure
from emissions.selectors import (
    disclosure_comments,
    disclosures_owned_by,
    disclosures_public,
    disclosures_visible_to,
    review_queue,
)
from emissions.services.comments_and_conflicts import disclosure_comment
from emissions.services.disclosures import disclosure_amend, disclosure_create, disclosure_update
from emissions.services.errors import AmendmentRefused, CommentRefused, DisclosureNotEditable
from emissions.services.workflow import (
    DISCLOSURE_WORKFLOW,
    disclosure_actions_for,
    disclosure_transition,
)
from registry.api_cursor_pagination import RegistryCursorPagination
from registry.ids import parse_id
from registry.models import Role, User
from registry.workflow import TransitionNotAllowed

LIST_PARAMETERS = frozenset({"scope", "state", "cursor", "page_size", "ordering"})
SCOPES = ("public", "mine", "queue")


ACTION_DOCS = {
    "submit": "The owner sends a draft (or a revised one) to review; starts the recomputation.",
    "withdraw": "The owner takes the disclosure back before a decision.",
    "claim": "A reviewer without a conflict assigns the disclosure to themselves.",
    "release": "The assigned reviewer (or a chair) returns it to the open queue.",
    "request_changes": "The assigned reviewer or a chair returns it to the owner (reason).",
    "verify": "The assigned reviewer or a chair gives the verified mark (reason).",
    "reject": "The assigned reviewer or a chair refuses it for good (reason).",
    "override": "The assigned reviewer or a chair accepts it despite a major discrepancy, an "
    "implausible claim or insufficient data (reason); nothing is published until confirmed.",
    "confirm_override": "A chair of its venue or an editor (not the one who overrode) confirms "
    "the override: the disclosure is verified.",
    "decline_override": "A chair of its venue or an editor declines the override (reason): "
    "back to review.",
}


def _workflow_action(name: str, url_path: str | None = None) -> Any:
    """The POST action for one workflow transition: every one takes the same body, is checked
    the same way and answers the same shapes, so only its name and summary differ."""

    def post(self: DisclosureViewSet, request: Request, pk: str) -> Response:
        return self._transition(request, name)

    post.__name__ = post.__qualname__ = name
    routed = action(detail=True, methods=["post"], url_path=url_path)(post)
    return extend_schema(
        summary=ACTION_DOCS[name],
        request=s.ActionSerializer,
        responses=documented_responses(400, 401, 403, 404, 409, ok=s.DisclosureSerializer),
    )(routed)


class DisclosurePagination(RegistryCursorPagination):
    """The catalog's cursor pagination, documenting the page size range it enforces."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


def visible_disclosure(request: Request, pk: object) -> Disclosure:
    """The disclosure if the caller may see it; otherwise 404, as if it did not exist."""
    disclosure_id = parse_id(pk)
    if disclosure_id is None:
        raise exceptions.NotFound()
    disclosure = (
        disclosures_visible_to(request.user)
        .select_related("owner", "venue")
        .filter(pk=disclosure_id)
        .first()
    )
    if disclosure is None:
        raise exceptions.NotFound()
    return disclosure


class DisclosureViewSet(JSONOnly, GenericViewSet):
    """Disclosures: researchers see their own, reviewers their queue, everyone verified ones."""

    serializer_class = s.DisclosureSerializer
    pagination_class = DisclosurePagination
    # Any segment reaches get_object, so a malformed id is a JSON 404 like an unknown one.
    lookup_value_regex = "[^/]+"
    orderings: Mapping[str, tuple[str, ...]] = {"-id": ("-id",), "id": ("id",)}
    queryset = Disclosure.objects.none()

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action in ("update", "partial_update"):
            return [IsAuthenticated(), IsDisclosureOwner()]
        return [IsAuthenticated(), WorkflowActionPermitted()]

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return s.DisclosureListSerializer
        return s.DisclosureSerializer

    def get_object(self) -> Disclosure:
        disclosure = visible_disclosure(self.request, self.kwargs.get("pk", ""))
        self.check_object_permissions(self.request, disclosure)
        return disclosure

    def _list_queryset(self, request: Request) -> QuerySet[Disclosure]:
        unknown = set(request.query_params) - LIST_PARAMETERS
        if unknown:
            raise exceptions.ValidationError(dict.fromkeys(sorted(unknown), "Unknown parameter."))
        user = request.user
        default = "public"
        if user.is_authenticated:
            default = "queue" if user.has_role(Role.REVIEWER) else "mine"
        scope = request.query_params.get("scope", default)
        if scope not in SCOPES:
            raise exceptions.ValidationError({"scope": f"Choose one of: {', '.join(SCOPES)}."})
        if scope == "public":
            queryset = disclosures_public()
        elif not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        elif scope == "mine":
            queryset = disclosures_owned_by(user)
        else:
            queryset = review_queue(user)
        state = request.query_params.get("state")
        if state is not None:
            if state not in DISCLOSURE_WORKFLOW.states():
                raise exceptions.ValidationError({"state": "Unknown state."})
            queryset = queryset.filter(state=state)
        return queryset.select_related("owner", "venue")

    @extend_schema(
        summary="List disclosures",
        parameters=[
            OpenApiParameter(
                "scope",
                str,
                enum=list(SCOPES),
                description="public: verified ones; mine: your own; queue: awaiting your "
                "review. Default: queue for reviewers, mine for researchers, public otherwise.",
            ),
            OpenApiParameter("state", str, enum=sorted(DISCLOSURE_WORKFLOW.states())),
        ],
        responses=documented_responses(400, 401, ok=s.DisclosureListSerializer(many=True)),
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self._list_queryset(request))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Create a draft disclosure",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.UUID,
                location=OpenApiParameter.HEADER,
                description="Repeat a create safely: the same key returns the same disclosure.",
            )
        ],
        request=s.DisclosureSerializer,
        responses=documented_responses(400, 401, ok=s.DisclosureSerializer, ok_code=201),
    )
    def create(self, request: Request) -> Response:
        serializer = s.DisclosureSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        try:
            idempotency_key = uuid.UUID(key) if key is not None else None
        except ValueError:
            raise exceptions.ValidationError({"Idempotency-Key": "Give a UUID."}) from None
        try:
            disclosure = disclosure_create(
                owner=request.user, fields=serializer.to_fields(), idempotency_key=idempotency_key
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(field_errors(error)) from None
        return Response(
            s.DisclosureSerializer(disclosure, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="One disclosure, with its recomputation, verdict, flags and audit trail",
        responses=documented_responses(404, ok=s.DisclosureSerializer),
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _update(self, request: Request, *, partial: bool) -> Response:
        disclosure = self.get_object()
        serializer = s.DisclosureSerializer(
            disclosure, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            updated = disclosure_update(
                disclosure_id=disclosure.pk, actor=request.user, fields=serializer.to_fields()
            )
        except DisclosureNotEditable as error:
            return error_response(
                409, str(error), allowed=disclosure_actions_for(request.user, disclosure)
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(field_errors(error)) from None
        return Response(s.DisclosureSerializer(updated, context={"request": request}).data)

    @extend_schema(
        summary="Replace a draft (owner; draft or changes requested only)",
        responses=documented_responses(400, 401, 403, 404, 409, ok=s.DisclosureSerializer),
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change some fields of a draft (owner; draft or changes requested only)",
        responses=documented_responses(400, 401, 403, 404, 409, ok=s.DisclosureSerializer),
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    def _transition(self, request: Request, action: str, **extra: Any) -> Response:
        disclosure = self.get_object()
        user = request.user
        form = s.ActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reason = form.validated_data["reason"]
        if DISCLOSURE_WORKFLOW.transitions[action].reason_required and not reason.strip():
            raise exceptions.ValidationError({"reason": "This action needs a reason."})
        try:
            updated = disclosure_transition(
                action=action, disclosure_id=disclosure.pk, actor=user, reason=reason, **extra
            )
        except TransitionNotAllowed as error:
            return error_response(409, str(error), allowed=error.allowed)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(field_errors(error)) from None
        return Response(s.DisclosureSerializer(updated, context={"request": request}).data)

    submit = _workflow_action("submit")
    withdraw = _workflow_action("withdraw")
    claim = _workflow_action("claim")
    release = _workflow_action("release")
    request_changes = _workflow_action("request_changes", url_path="request-changes")
    verify = _workflow_action("verify")
    reject = _workflow_action("reject")
    override = _workflow_action("override")
    confirm_override = _workflow_action("confirm_override", url_path="confirm-override")
    decline_override = _workflow_action("decline_override", url_path="decline-override")


class DisclosureAssignView(JSONOnly, APIView):
    """A chair assigns (or reassigns) a reviewer without a conflict."""

    permission_classes = [IsAuthenticated, WorkflowActionPermitted]
    workflow_action = "assign"

    @extend_schema(
        summary="A chair assigns a reviewer (username or email) without a conflict",
        request=s.AssignSerializer,
        responses=documented_responses(400, 401, 403, 404, 409, ok=s.DisclosureSerializer),
    )
    def post(self, request: Request, pk: str) -> Response:
        disclosure = visible_disclosure(request, pk)
        self.check_object_permissions(request, disclosure)
        form = s.AssignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        name = form.validated_data["reviewer"].strip()
        reviewer = User.objects.filter(Q(username=name) | Q(email__iexact=name)).first()
        if reviewer is None or not reviewer.has_role(Role.REVIEWER):
            raise exceptions.ValidationError({"reviewer": "No reviewer by that name."})
        try:
            updated = disclosure_transition(
                action="assign",
                disclosure_id=disclosure.pk,
                actor=request.user,
                reason=form.validated_data["reason"],
                reviewer=reviewer,
            )
        except TransitionNotAllowed as error:
            return error_response(409, str(error), allowed=error.allowed)
        return Response(s.DisclosureSerializer(updated, context={"request": request}).data)


class DisclosureAmendView(JSONOnly, APIView):
    """The owner starts a new version of a verified disclosure."""

    permission_classes = [IsAuthenticated, IsDisclosureOwner]

    @extend_schema(
        summary="Start an amendment: a new draft version superseding a verified disclosure",
        request=None,
        responses=documented_responses(401, 403, 404, 409, ok=s.DisclosureSerializer, ok_code=201),
    )
    def post(self, request: Request, pk: str) -> Response:
        disclosure = visible_disclosure(request, pk)
        self.check_object_permissions(request, disclosure)
        try:
            amendment = disclosure_amend(disclosure_id=disclosure.pk, actor=request.user)
        except AmendmentRefused as error:
            return error_response(409, str(error), allowed=[])
        return Response(
            s.DisclosureSerializer(amendment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class DisclosureCommentsView(JSONOnly, APIView):
    """The review conversation: the researcher and reviewers without a conflict."""

    permission_classes = [IsAuthenticated, FollowsReview]

    def _disclosure(self, request: Request, pk: str) -> Disclosure:
        disclosure = visible_disclosure(request, pk)
        self.check_object_permissions(request, disclosure)
        return disclosure

    @extend_schema(
        summary="The review comments",
        responses=documented_responses(401, 403, 404, ok=s.CommentSerializer(many=True)),
    )
    def get(self, request: Request, pk: str) -> Response:
        disclosure = self._disclosure(request, pk)
        return Response(s.CommentSerializer(disclosure_comments(disclosure), many=True).data)

    @extend_schema(
        summary="Add a comment",
        request=s.CommentSerializer,
        responses=documented_responses(400, 401, 403, 404, ok=s.CommentSerializer, ok_code=201),
    )
    def post(self, request: Request, pk: str) -> Response:
        disclosure = self._disclosure(request, pk)
        form = s.CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            comment = disclosure_comment(
                disclosure_id=disclosure.pk, author=request.user, body=form.validated_data["body"]
            )
        except CommentRefused as error:
            raise exceptions.ValidationError({"body": str(error)}) from None
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
