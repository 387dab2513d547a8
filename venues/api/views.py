"""The conference review API (under /api/v1/): venues, assignments, reviews, decisions, and
every export format as an API action.

Status codes follow the disclosure API: 404 when the venue or paper is not visible to the
caller (chairs see their venues, reviewers the venues they review for), 403 when visible but
not theirs to change, 409 when the workflow refuses the action now, 400 for bad input.
Errors: ``{"errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emissions.models import Disclosure
from registry.api_conventions import ErrorSerializer, error_items
from registry.ids import parse_id
from registry.models import User
from registry.workflow import TransitionNotAllowed
from venues.exports import ExportOptions, UnknownExportFormat, exporter_for, identifiers
from venues.exports.exporters import ExportUnavailable
from venues.exports.registry import paper_size_from
from venues.models import ExportJob, ReviewAssignment, Venue
from venues.models.reviews import Recommendation
from venues.selectors import (
    AmbiguousSubmissionId,
    disclosure_export_allowed,
    export_jobs_for_venue,
    reviews_visible_to,
    venue_assignments,
    venue_current_phase,
    venue_is_chair,
    venue_is_reviewer,
    venue_paper_by_submission_id,
    venue_paper_requests,
    venue_papers,
    venues_for_user,
)
from venues.services.assignment import (
    AssignmentRefused,
    assignment_add,
    assignments_auto,
    assignments_import,
)
from venues.services.exports import export_job_start, export_path
from venues.services.reviews import (
    AnswerInput,
    ReviewInputError,
    ReviewRefused,
    review_decide,
    review_submit,
)
from venues.services.venues import VenueInputError, VenuePermissionDenied, venue_paper_accept

# --- Serializers ---------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    question = serializers.CharField()
    guidance = serializers.CharField()


class PhaseSerializer(serializers.Serializer):
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    reviewers_may_review = serializers.BooleanField()
    reviewers_see_other_reviews = serializers.BooleanField()
    authors_see_reviews = serializers.BooleanField()
    chairs_may_decide = serializers.BooleanField()


class VenueSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    submission_deadline = serializers.DateTimeField(allow_null=True)
    review_deadline = serializers.DateTimeField(allow_null=True)
    decision_deadline = serializers.DateTimeField(allow_null=True)
    reviewers_per_paper = serializers.IntegerField()


class VenueDetailSerializer(VenueSerializer):
    checklist = ChecklistItemSerializer(many=True, source="checklist_items.all")
    phases = PhaseSerializer(many=True, source="phases.all")
    current_phase = serializers.SerializerMethodField()

    def get_current_phase(self, venue: Venue) -> str | None:
        phase = venue_current_phase(venue=venue)
        return phase.name if phase else None


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    disclosure_id = serializers.IntegerField()
    submission_id = serializers.CharField(source="disclosure.venue_submission_id")
    reviewer_email = serializers.EmailField(source="reviewer.email")
    source = serializers.CharField()
    reviewed = serializers.SerializerMethodField()

    def get_reviewed(self, assignment: ReviewAssignment) -> bool:
        return hasattr(assignment, "review")


class AssignmentCreateSerializer(serializers.Serializer):
    submission_id = serializers.CharField(max_length=100)
    reviewer_email = serializers.EmailField()


class AutoAssignSerializer(serializers.Serializer):
    per_paper = serializers.IntegerField(min_value=1, max_value=10, required=False)


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    short = serializers.DictField(child=serializers.IntegerField())


class ImportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["csv", "json"])
    content = serializers.CharField(max_length=2 * 1024 * 1024, trim_whitespace=False)


class AssignmentImportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    already_assigned = serializers.IntegerField()


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["yes", "no", "na"])
    justification = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReviewInSerializer(serializers.Serializer):
    completeness = serializers.IntegerField(min_value=1, max_value=5)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    answers = serializers.DictField(child=AnswerSerializer())


class ReviewOutSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="assignment.reviewer.get_username")
    completeness = serializers.IntegerField()
    recommendation = serializers.CharField()
    comments = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    answers = serializers.SerializerMethodField()

    def get_answers(self, review: Any) -> dict[str, dict[str, str]]:
        return {
            a.item.code: {"answer": a.answer, "justification": a.justification}
            for a in review.answers.all()
        }


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Recommendation.choices)
    reason = serializers.CharField(max_length=5000)


class DecisionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()


class PaperRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submission_id = serializers.CharField(source="venue_submission_id")
    model_name = serializers.CharField()
    paper_title = serializers.CharField()
    owner = serializers.CharField(source="owner.get_username")
    state = serializers.CharField()
    accepted = serializers.BooleanField(source="venue_accepted")


class ExportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    paper_size = serializers.CharField(source="page_size")
    page_size = serializers.CharField(help_text="Deprecated: the paper size, as `paper_size`.")
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, job: ExportJob) -> str | None:
        if not job.is_downloadable:
            return None
        return f"/api/v1/venues/{job.venue.slug}/exports/{job.pk}/download/"


class ExportRequestSerializer(serializers.Serializer):
    paper_size = serializers.ChoiceField(choices=["A4", "Letter"], default="A4")
    page_size = serializers.ChoiceField(
        choices=["A4", "Letter"], required=False, help_text="Deprecated name of `paper_size`."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in attrs and "paper_size" not in self.initial_data:
            attrs["paper_size"] = attrs["page_size"]
        return attrs


# --- Helpers -------------------------------------------------------------------------------------


def _errors(code: int, detail: Any) -> Response:
    return Response({"errors": error_items(detail)}, status=code)


def _responses(ok: Any, *codes: int, ok_code: int = 200) -> dict[int, Any]:
    descriptions = {
        400: "Bad input: the errors name the fields.",
        401: "Authentication needed (token or session).",
        403: "Visible to you, but not yours to change.",
        404: "No such venue or paper, or not visible to you.",
        409: "The workflow refuses this now (state, phase or conflict).",
    }
    out: dict[int, Any] = {ok_code: ok} if ok is not None else {}
    for code in codes:
        out[code] = OpenApiResponse(ErrorSerializer, descriptions[code])
    return out


def _venue(request: Request, slug: str, *, chair: bool) -> Venue:
    venue = Venue.objects.filter(slug=slug).first()
    if venue is None:
        raise exceptions.NotFound()
    if venue_is_chair(user=request.user, venue=venue):
        return venue
    if venue_is_reviewer(user=request.user, venue=venue):
        if chair:
            raise exceptions.PermissionDenied("only the venue's chairs may do this")
        return venue
    raise exceptions.NotFound()


def _id(raw: object) -> int:
    value = parse_id(raw)
    if value is None:
        raise exceptions.NotFound()
    return value


def _paper(venue: Venue, disclosure_id: object) -> Disclosure:
    paper = venue_papers(venue=venue).filter(pk=_id(disclosure_id)).first()
    if paper is None:
        raise exceptions.NotFound()
    return paper


def _validated(body: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body checked by `body`; a 400 naming each bad field otherwise."""
    form = body(data=request.data)
    form.is_valid(raise_exception=True)
    return form.validated_data


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class _VenueAPIView(APIView):
    permission_classes = [IsAuthenticated]


VENUE_SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)
PAPER_ID = OpenApiParameter("disclosure_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _file_responses(*media_types: str) -> dict[Any, Any]:
    """A file download's 200, one entry per media type the export may have."""
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, "The file, as an attachment.")
        for media_type in media_types
    }


# --- Views ---------------------------------------------------------------------------------------


class VenueListView(_VenueAPIView):
    @extend_schema(
        summary="Venues you chair or review for",
        responses=_responses(VenueSerializer(many=True), 401),
        tags=["venues"],
    )
    def get(self, request: Request) -> Response:
        venues = venues_for_user(user=request.user).order_by("name")
        return Response(VenueSerializer(venues, many=True).data)


class VenueDetailView(_VenueAPIView):
    @extend_schema(
        summary="A venue with its checklist and phases",
        parameters=[VENUE_SLUG],
        responses=_responses(VenueDetailSerializer, 401, 404),
        tags=["venues"],
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(VenueDetailSerializer(_venue(request, slug, chair=False)).data)


class AssignmentListView(_VenueAPIView):
    @extend_schema(
        summary="The venue's reviewer assignments (chairs)",
        parameters=[VENUE_SLUG],
        responses=_responses(AssignmentSerializer(many=True), 401, 403, 404),
        tags=["venues"],
    )
    def get(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        return Response(AssignmentSerializer(venue_assignments(venue=venue), many=True).data)

    @extend_schema(
        summary="Assign a reviewer to a paper by hand (chairs)",
        parameters=[VENUE_SLUG],
        request=AssignmentCreateSerializer,
        responses=_responses(AssignmentSerializer, 400, 401, 403, 404, 409, ok_code=201),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        data = _validated(AssignmentCreateSerializer, request)
        try:
            paper = venue_paper_by_submission_id(venue=venue, submission_id=data["submission_id"])
        except AmbiguousSubmissionId as error:
            return _errors(409, {"submission_id": str(error)})
        if paper is None:
            return _errors(400, {"submission_id": "No paper with this submission id here."})
        reviewer = User.objects.filter(email__iexact=data["reviewer_email"]).first()
        if reviewer is None:
            return _errors(400, {"reviewer_email": "No account with this email."})
        try:
            assignment = assignment_add(
                actor=request.user, venue=venue, disclosure=paper, reviewer=reviewer
            )
        except AssignmentRefused as error:
            return _errors(409, str(error))
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AutoAssignView(_VenueAPIView):
    @extend_schema(
        summary="Balanced automatic assignment, never to a conflicted reviewer (chairs)",
        parameters=[VENUE_SLUG],
        request=AutoAssignSerializer,
        responses=_responses(AutoAssignResultSerializer, 400, 401, 403, 404),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        data = _validated(AutoAssignSerializer, request)
        result = assignments_auto(actor=request.user, venue=venue, per_paper=data.get("per_paper"))
        return Response(
            {"created": len(result.created), "short": {str(k): v for k, v in result.short.items()}}
        )


class AssignmentImportView(_VenueAPIView):
    @extend_schema(
        summary="Import (submission_id, reviewer_email) rows as CSV or JSON text (chairs)",
        description="All or nothing: if any row is wrong, nothing is assigned and the errors "
        "name each row (`rows[N]`).",
        parameters=[VENUE_SLUG],
        request=ImportSerializer,
        responses=_responses(AssignmentImportSerializer, 400, 401, 403, 404),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        data = _validated(ImportSerializer, request)
        try:
            result = assignments_import(
                actor=request.user,
                venue=venue,
                content=data["content"],
                fmt=data["format"],
            )
        except VenueInputError as error:
            return _errors(400, {"content": str(error)})
        if result.errors:
            return _errors(400, {f"rows[{e.row}]": e.message for e in result.errors})
        return Response(
            {"created": len(result.created), "already_assigned": result.already_assigned}
        )


class ReviewsView(_VenueAPIView):
    @extend_schema(
        summary="The reviews of a paper you may read (by the venue's phase)",
        parameters=[VENUE_SLUG, PAPER_ID],
        responses=_responses(ReviewOutSerializer(many=True), 401, 404),
        tags=["venues"],
    )
    def get(self, request: Request, slug: str, disclosure_id: str) -> Response:
        venue = Venue.objects.filter(slug=slug).first()
        paper = _paper(venue, disclosure_id) if venue is not None else None
        # The paper's author may read its reviews too, once the venue's phase allows it.
        if paper is None or paper.owner_id != request.user.pk:
            paper = _paper(_venue(request, slug, chair=False), disclosure_id)
        reviews = reviews_visible_to(user=request.user, disclosure=paper)
        return Response(ReviewOutSerializer(reviews, many=True).data)

    @extend_schema(
        summary="Write or revise your review of a paper you are assigned",
        parameters=[VENUE_SLUG, PAPER_ID],
        request=ReviewInSerializer,
        responses=_responses(ReviewOutSerializer, 400, 401, 403, 404, 409),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str, disclosure_id: str) -> Response:
        venue = _venue(request, slug, chair=False)
        paper = _paper(venue, disclosure_id)
        data = _validated(ReviewInSerializer, request)
        answers = {
            code: AnswerInput(a["answer"], a.get("justification", ""))
            for code, a in data["answers"].items()
        }
        try:
            review = review_submit(
                reviewer=request.user,
                disclosure=paper,
                completeness=data["completeness"],
                recommendation=data["recommendation"],
                comments=data.get("comments", ""),
                answers=answers,
            )
        except ReviewInputError as error:
            return _errors(400, error.errors)
        except ReviewRefused as error:
            return _errors(409, str(error))
        return Response(ReviewOutSerializer(review).data)


class DecideView(_VenueAPIView):
    @extend_schema(
        summary="The chair's decision, through the disclosure workflow",
        parameters=[VENUE_SLUG, PAPER_ID],
        request=DecisionSerializer,
        responses=_responses(DecisionResultSerializer, 400, 401, 403, 404, 409),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str, disclosure_id: str) -> Response:
        venue = _venue(request, slug, chair=True)
        paper = _paper(venue, disclosure_id)
        data = _validated(DecisionSerializer, request)
        try:
            decided = review_decide(
                actor=request.user,
                disclosure=paper,
                decision=data["decision"],
                reason=data["reason"],
            )
        except TransitionNotAllowed as error:
            return _errors(409, str(error))
        except DjangoValidationError as error:
            return _errors(409, error.messages)
        return Response({"id": decided.pk, "state": decided.state})


class PaperRequestsView(_VenueAPIView):
    @extend_schema(
        summary="Disclosures attached to the venue that no chair has accepted yet (chairs)",
        parameters=[VENUE_SLUG],
        responses=_responses(PaperRequestSerializer(many=True), 401, 403, 404),
        tags=["venues"],
    )
    def get(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        return Response(PaperRequestSerializer(venue_paper_requests(venue=venue), many=True).data)


class PaperAcceptView(_VenueAPIView):
    @extend_schema(
        summary="Accept an attached disclosure as the venue's paper (chairs)",
        parameters=[VENUE_SLUG, PAPER_ID],
        request=None,
        responses=_responses(PaperRequestSerializer, 401, 403, 404, 409),
        tags=["venues"],
    )
    def post(self, request: Request, slug: str, disclosure_id: str) -> Response:
        venue = _venue(request, slug, chair=True)
        paper = venue_paper_requests(venue=venue).filter(pk=_id(disclosure_id)).first()
        if paper is None:
            raise exceptions.NotFound()
        try:
            accepted = venue_paper_accept(actor=request.user, venue=venue, disclosure_id=paper.pk)
        except VenueInputError as error:
            return _errors(409, str(error))
        return Response(PaperRequestSerializer(accepted).data)


class VenueSummaryView(_VenueAPIView):
    @extend_schema(
        summary="The venue's summary, one row per paper (csv or json)",
        parameters=[
            VENUE_SLUG,
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["csv", "json"]),
        ],
        responses={
            **_file_responses("text/csv", "application/json"),
            **_responses(None, 401, 403, 404),
        },
        tags=["venues", "exports"],
    )
    def get(self, request: Request, slug: str, fmt: str) -> HttpResponse:
        venue = _venue(request, slug, chair=True)
        if fmt not in ("csv", "json"):
            raise exceptions.NotFound()
        exporter = exporter_for("venue", fmt)
        return _download(exporter.render(venue), exporter.filename(venue), exporter.content_type)


class ExportJobsView(_VenueAPIView):
    @extend_schema(
        summary="Recent builds of the venue's packet ZIP (chairs)",
        parameters=[VENUE_SLUG],
        responses=_responses(ExportJobSerializer(many=True), 401, 403, 404),
        tags=["exports"],
    )
    def get(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        jobs = export_jobs_for_venue(venue=venue)[:20]
        return Response(ExportJobSerializer(jobs, many=True).data)

    @extend_schema(
        summary="Start building the ZIP of every paper's review packet (chairs)",
        description="Returns 202 and the job; poll it until `state` is `done`, then follow "
        "`download_url`. The file expires after EXPORT_TTL_HOURS.",
        parameters=[VENUE_SLUG],
        request=ExportRequestSerializer,
        responses=_responses(ExportJobSerializer, 400, 401, 403, 404, ok_code=202),
        tags=["exports"],
    )
    def post(self, request: Request, slug: str) -> Response:
        venue = _venue(request, slug, chair=True)
        data = _validated(ExportRequestSerializer, request)
        try:
            job = export_job_start(actor=request.user, venue=venue, paper_size=data["paper_size"])
        except (VenuePermissionDenied, VenueInputError) as error:
            return _errors(400, str(error))
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _job(venue: Venue, job_id: object) -> ExportJob:
    job = ExportJob.objects.filter(venue=venue, pk=_id(job_id)).select_related("venue").first()
    if job is None:
        raise exceptions.NotFound()
    return job


class ExportJobView(_VenueAPIView):
    @extend_schema(
        summary="One build's progress",
        parameters=[VENUE_SLUG, OpenApiParameter("job_id", OpenApiTypes.INT, "path")],
        responses=_responses(ExportJobSerializer, 401, 403, 404),
        tags=["exports"],
    )
    def get(self, request: Request, slug: str, job_id: str) -> Response:
        venue = _venue(request, slug, chair=True)
        return Response(ExportJobSerializer(_job(venue, job_id)).data)


class ExportDownloadView(_VenueAPIView):
    @extend_schema(
        summary="Download a finished build",
        parameters=[VENUE_SLUG, OpenApiParameter("job_id", OpenApiTypes.INT, "path")],
        responses={**_file_responses("application/zip"), **_responses(None, 401, 403, 404)},
        tags=["exports"],
    )
    def get(self, request: Request, slug: str, job_id: str) -> FileResponse:
        venue = _venue(request, slug, chair=True)
        job = _job(venue, job_id)
        path = export_path(job) if job.file_name else None
        if not job.is_downloadable or path is None or not path.is_file():
            raise exceptions.NotFound("This export is still building, failed, or expired.")
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=f"{venue.slug}-packets.zip"
        )
        response["Content-Type"] = "application/zip"
        return response


class DisclosureExportView(APIView):
    """Per-disclosure exports. Anyone who may see a verified disclosure may have its statement
    and metadata; the review packet is for the venue's chairs and the paper's reviewers."""

    @extend_schema(
        summary="Export one disclosure: pdf (review packet), tex, txt (statement), hf",
        parameters=[
            OpenApiParameter("disclosure_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "tex", "txt", "hf"]
            ),
            OpenApiParameter("paper_size", OpenApiTypes.STR, enum=["A4", "Letter"]),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.STR,
                enum=["A4", "Letter"],
                description="Deprecated name of `paper_size`.",
                deprecated=True,
            ),
        ],
        responses={
            **_file_responses(
                "application/pdf", "application/x-tex", "text/plain", "application/yaml"
            ),
            **_responses(None, 404, 409),
        },
        tags=["exports"],
    )
    def get(self, request: Request, disclosure_id: str, fmt: str) -> HttpResponse:
        disclosure = (
            Disclosure.objects.select_related("venue", "owner")
            .filter(pk=_id(disclosure_id))
            .first()
        )
        if fmt not in identifiers("disclosure"):
            raise exceptions.NotFound(f"formats: {', '.join(identifiers('disclosure'))}")
        if disclosure is None or not disclosure_export_allowed(
            user=request.user, disclosure=disclosure, fmt=fmt
        ):
            raise exceptions.NotFound()
        try:
            exporter = exporter_for("disclosure", fmt)
            options = ExportOptions(paper_size=paper_size_from(request.query_params))
            data = exporter.render(disclosure, options=options)
        except UnknownExportFormat as error:
            raise exceptions.NotFound(str(error)) from error
        except ExportUnavailable as error:
            return _errors(409, str(error))
        return _download(data, exporter.filename(disclosure), exporter.content_type)
