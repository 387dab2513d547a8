"""Venue pages for chairs and reviewers: the venue list, the chair dashboard with decisions,
the assignment page, and the review form. Permission and conflict rules come from the venue
selectors; every change is a service call. A page a person may not see answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from emissions.models import Disclosure
from emissions.presentation import (
    WARNING_SEVERITIES,
    claim_deviation,
    disclosure_badge,
    explained_flags,
)
from emissions.selectors import disclosure_pending_override, recomputation_current
from registry.workflow import TransitionNotAllowed
from venues.exports.collect import summary_rows
from venues.forms import (
    AutoAssignmentForm,
    DecisionForm,
    ImportAssignmentForm,
    ManualAssignmentForm,
    ReviewForm,
)
from venues.models import ReviewAssignment, Venue
from venues.selectors import (
    assignment_for,
    assignments_for_reviewer,
    reviews_visible_to,
    venue_assignments,
    venue_current_phase,
    venue_is_chair,
    venue_is_reviewer,
    venue_paper_requests,
    venue_papers,
    venue_progress,
    venue_reviewer_may_review,
    venues_for_user,
)
from venues.services.assignment import (
    AssignmentRefused,
    assignment_add,
    assignment_recuse,
    assignment_remove,
    assignments_auto,
    assignments_import,
)
from venues.services.reviews import (
    ReviewInputError,
    ReviewRefused,
    review_decide,
    review_submit,
)
from venues.services.venues import VenueInputError, VenuePermissionDenied, venue_paper_accept


def venue_for(request: HttpRequest, slug: str, *, chair: bool) -> Venue:
    """The venue if the person chairs it (or, when `chair` is False, reviews for it); else 404."""
    venue = get_object_or_404(Venue, slug=slug)
    if venue_is_chair(user=request.user, venue=venue):
        return venue
    if not chair and venue_is_reviewer(user=request.user, venue=venue):
        return venue
    raise Http404("No such venue")


def _paper(venue: Venue, disclosure_id: int) -> Disclosure:
    try:
        return venue_papers(venue=venue).get(pk=disclosure_id)
    except Disclosure.DoesNotExist:
        raise Http404("No such paper") from None


@login_required
def venue_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "venues/list.html", {"venues": venues_for_user(user=request.user).order_by("name")}
    )


@login_required
def venue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=False)
    phase = venue_current_phase(venue=venue)
    if not venue_is_chair(user=request.user, venue=venue):
        return render(
            request,
            "venues/reviewer_home.html",
            {
                "venue": venue,
                "phase": phase,
                "assignments": assignments_for_reviewer(reviewer=request.user, venue=venue),
            },
        )
    papers = list(venue_papers(venue=venue))
    return render(
        request,
        "venues/chair_dashboard.html",
        {
            "venue": venue,
            "phase": phase,
            "rows": list(zip(papers, summary_rows(papers), strict=True)),
            "progress": venue_progress(venue=venue),
            "checklist": venue.checklist_items.all(),
            "phases": venue.phases.all(),
            "requests": venue_paper_requests(venue=venue),
        },
    )


def _paper_numbers(disclosure: Disclosure) -> dict[str, Any]:
    """Claimed against recomputed, the verdict and the warnings, as the review page shows."""
    recomputation = disclosure.decision_recomputation or recomputation_current(disclosure)
    flags = explained_flags(recomputation.flags) if recomputation else []
    return {
        "recomputation": recomputation,
        "warnings": [f for f in flags if f.get("severity") in WARNING_SEVERITIES],
        "deviation": claim_deviation(
            disclosure, recomputation.gross_tco2e if recomputation else None
        ),
        "badge": disclosure_badge(disclosure),
        "pending_override": disclosure_pending_override(disclosure),
    }


@login_required
@require_POST
def paper_accept(request: HttpRequest, slug: str, disclosure_id: int) -> HttpResponse:
    """A chair accepts a disclosure its researcher attached to the venue."""
    venue = venue_for(request, slug, chair=True)
    paper = get_object_or_404(venue_paper_requests(venue=venue), pk=disclosure_id)
    try:
        venue_paper_accept(actor=request.user, venue=venue, disclosure_id=paper.pk)
    except (VenueInputError, VenuePermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{paper.venue_submission_id} is now one of the venue's papers.")
    return redirect("venues:detail", slug=venue.slug)


@login_required
def paper_detail(request: HttpRequest, slug: str, disclosure_id: int) -> HttpResponse:
    """The chair's view of one paper: every review and the decision form."""
    venue = venue_for(request, slug, chair=True)
    disclosure = _paper(venue, disclosure_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_decide(
                actor=request.user,
                disclosure=disclosure,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except (TransitionNotAllowed, ValidationError) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("venues:paper", slug=venue.slug, disclosure_id=disclosure.pk)
    return render(
        request,
        "venues/paper.html",
        {
            "venue": venue,
            "disclosure": disclosure,
            "reviews": reviews_visible_to(user=request.user, disclosure=disclosure),
            "assignments": disclosure.review_assignments.select_related("reviewer"),
            "form": form,
            **_paper_numbers(disclosure),
        },
    )


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


@login_required
def assignment_page(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    by_paper: dict[int, list[ReviewAssignment]] = {}
    for assignment in venue_assignments(venue=venue):
        by_paper.setdefault(assignment.disclosure_id, []).append(assignment)
    papers = list(venue_papers(venue=venue))
    return render(
        request,
        "venues/assignments.html",
        {
            "venue": venue,
            "papers": [(p, by_paper.get(p.pk, [])) for p in papers],
            "reviewers": venue.reviewers.order_by("username"),
            "auto_form": AutoAssignmentForm(initial={"per_paper": venue.reviewers_per_paper}),
            "import_form": ImportAssignmentForm(),
        },
    )


@login_required
@require_POST
def assignment_manual(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    form = ManualAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a paper and a reviewer.")
        return redirect("venues:assignments", slug=venue.slug)
    disclosure = _paper(venue, form.cleaned_data["disclosure"])
    reviewer = venue.reviewers.filter(pk=form.cleaned_data["reviewer"]).first()
    if reviewer is None:
        messages.error(request, "That person is not on the venue's reviewer team.")
        return redirect("venues:assignments", slug=venue.slug)
    try:
        assignment_add(actor=request.user, venue=venue, disclosure=disclosure, reviewer=reviewer)
    except (AssignmentRefused, VenuePermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{reviewer.get_username()} assigned.")
    return redirect("venues:assignments", slug=venue.slug)


@login_required
@require_POST
def assignment_auto(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    form = AutoAssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reviewers per paper must be between 1 and 10.")
        return redirect("venues:assignments", slug=venue.slug)
    result = assignments_auto(
        actor=request.user, venue=venue, per_paper=form.cleaned_data["per_paper"]
    )
    messages.success(request, f"{len(result.created)} assignments made.")
    if result.short:
        messages.warning(
            request,
            f"{len(result.short)} papers lack enough unconflicted reviewers on the team.",
        )
    return redirect("venues:assignments", slug=venue.slug)


@login_required
@require_POST
def assignment_import(request: HttpRequest, slug: str) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    form = ImportAssignmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", ["Choose a file to import."]):
            messages.error(request, error)
        return redirect("venues:assignments", slug=venue.slug)
    fmt, text = form.cleaned_data["file"]
    try:
        result = assignments_import(actor=request.user, venue=venue, content=text, fmt=fmt)
    except VenueInputError as error:
        messages.error(request, str(error))
        return redirect("venues:assignments", slug=venue.slug)
    if result.errors:
        messages.error(request, "Nothing was imported. Fix these rows and try again:")
        for row_error in result.errors[:50]:
            messages.error(request, str(row_error))
    else:
        messages.success(
            request,
            f"{len(result.created)} assignments imported"
            f" ({result.already_assigned} were already in place).",
        )
    return redirect("venues:assignments", slug=venue.slug)


@login_required
@require_POST
def assignment_delete(request: HttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    venue = venue_for(request, slug, chair=True)
    assignment = get_object_or_404(ReviewAssignment, pk=assignment_id, venue=venue)
    try:
        assignment_remove(actor=request.user, assignment=assignment)
    except AssignmentRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Assignment removed.")
    return redirect("venues:assignments", slug=venue.slug)


@login_required
@require_POST
def recuse(request: HttpRequest, slug: str, disclosure_id: int) -> HttpResponse:
    """A reviewer declares a conflict with one of their papers and gives it back."""
    venue = venue_for(request, slug, chair=False)
    disclosure = _paper(venue, disclosure_id)
    if assignment_for(reviewer=request.user, disclosure=disclosure) is None:
        raise Http404("No such paper")
    try:
        assignment_recuse(
            reviewer=request.user, disclosure=disclosure, reason=request.POST.get("reason", "")
        )
    except AssignmentRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Conflict declared; the paper goes back to the chairs.")
    return redirect("venues:detail", slug=venue.slug)


@login_required
def review_form(request: HttpRequest, slug: str, disclosure_id: int) -> HttpResponse:
    """A reviewer's checklist answers, completeness score and recommendation for one paper."""
    venue = venue_for(request, slug, chair=False)
    disclosure = _paper(venue, disclosure_id)
    assignment = assignment_for(reviewer=request.user, disclosure=disclosure)
    if assignment is None or not venue_reviewer_may_review(
        reviewer=request.user, disclosure=disclosure
    ):
        raise Http404("No such paper")
    items = list(venue.checklist_items.all())
    initial = {}
    existing = getattr(assignment, "review", None)
    if existing is not None:
        initial = {
            "completeness": existing.completeness,
            "recommendation": existing.recommendation,
            "comments": existing.comments,
        }
        for answer in existing.answers.select_related("item"):
            initial[f"answer_{answer.item.code}"] = answer.answer
            initial[f"justification_{answer.item.code}"] = answer.justification
    form = ReviewForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review_submit(
                reviewer=request.user,
                disclosure=disclosure,
                completeness=form.cleaned_data["completeness"],
                recommendation=form.cleaned_data["recommendation"],
                comments=form.cleaned_data["comments"],
                answers=form.answers(),
            )
        except ReviewInputError as error:
            for key, message in error.errors.items():
                field = key.replace("answers.", "justification_")
                form.add_error(field if field in form.fields else None, message)
        except ReviewRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Review saved.")
            return redirect("venues:detail", slug=venue.slug)
    return render(
        request,
        "venues/review_form.html",
        {
            "venue": venue,
            "disclosure": disclosure,
            "form": form,
            "others": reviews_visible_to(user=request.user, disclosure=disclosure).exclude(
                assignment=assignment
            ),
            "phase": venue_current_phase(venue=venue),
        },
    )
