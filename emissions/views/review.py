"""The reviewer's pages: the queue, the side-by-side review of one disclosure, assignment,
recusal and the chair's bulk actions. Which disclosures a reviewer sees is always
`disclosures_for_reviewer`; what they may do is always the workflow table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from emissions.forms import AssignForm, BulkForm, CommentForm, ConflictForm, ReasonForm
from emissions.models import Disclosure
from emissions.presentation import warning_count
from emissions.selectors import (
    QUEUE_SORTS,
    disclosures_for_reviewer,
    overrides_awaiting_confirmation,
    review_queue,
    review_queue_for_triage,
)
from emissions.services.comments_and_conflicts import disclosure_declare_conflict
from emissions.services.errors import ConflictDeclarationRefused
from emissions.services.workflow import (
    action_permitted,
    disclosure_actions_for,
    disclosure_assign,
    disclosures_bulk_transition,
)
from emissions.views.common import disclosure_context
from registry.models import Role
from registry.workflow import TransitionNotAllowed


def _require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_role(Role.REVIEWER):
        raise PermissionDenied("The review pages are for reviewers.")


def _reviewable_or_404(request: HttpRequest, pk: int) -> Disclosure:
    """Own and conflicted disclosures are absent from a reviewer's world: 404, not 403."""
    return get_object_or_404(
        disclosures_for_reviewer(request.user).select_related("owner", "venue"), pk=pk
    )


@login_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REVIEWER, Role.EDITOR):
        raise PermissionDenied("The review pages are for reviewers.")
    sort = request.GET.get("sort", "severity")
    sort = sort if sort in QUEUE_SORTS else "severity"
    queue = list(review_queue_for_triage(request.user, sort=sort))
    for d in queue:
        d.triage_warnings = warning_count(d.triage_flags)
    overrides = [
        d
        for d in overrides_awaiting_confirmation(request.user)
        if "confirm_override" in disclosure_actions_for(request.user, d)
    ]
    is_chair = request.user.has_role(Role.CHAIR)
    bulk_form = BulkForm(queue_ids=[d.pk for d in queue]) if is_chair else None
    return render(
        request,
        "emissions/review_queue.html",
        {
            "open": [d for d in queue if d.assigned_reviewer_id is None],
            "mine": [d for d in queue if d.assigned_reviewer_id == request.user.pk],
            "others": [d for d in queue if d.assigned_reviewer_id not in (None, request.user.pk)],
            "overrides": overrides,
            "sort": sort,
            "is_reviewer": request.user.has_role(Role.REVIEWER),
            "is_chair": is_chair,
            "bulk_form": bulk_form,
        },
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    disclosure = _reviewable_or_404(request, pk)
    context = disclosure_context(request, disclosure)
    context.update(
        {
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "conflict_form": ConflictForm(),
            "assign_form": AssignForm()
            if "assign" in disclosure_actions_for(request.user, disclosure)
            else None,
            "next": request.path,
        }
    )
    return render(request, "emissions/review_detail.html", context)


@login_required
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    disclosure = _reviewable_or_404(request, pk)
    if not action_permitted("assign", actor=request.user, disclosure=disclosure):
        raise PermissionDenied("Only chairs assign reviewers.")
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a reviewer.")
        return redirect("emissions:review_detail", pk=pk)
    try:
        disclosure_assign(
            disclosure_id=disclosure.pk,
            actor=request.user,
            reviewer=form.cleaned_data["reviewer"],
            reason=form.cleaned_data["reason"],
        )
    except TransitionNotAllowed as error:
        messages.error(request, str(error).capitalize() + ".")
    else:
        messages.success(request, f"Assigned to {form.cleaned_data['reviewer'].get_username()}.")
    return redirect("emissions:review_detail", pk=pk)


@login_required
@require_POST
def review_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    disclosure = _reviewable_or_404(request, pk)
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        disclosure_declare_conflict(
            disclosure_id=disclosure.pk, reviewer=request.user, actor=request.user, reason=reason
        )
    except (ConflictDeclarationRefused, TransitionNotAllowed) as error:
        messages.error(request, str(error))
        return redirect("emissions:review_detail", pk=pk)
    messages.success(request, "Conflict declared: the disclosure left your queue.")
    return redirect("emissions:review_queue")


@login_required
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.CHAIR):
        raise PermissionDenied("Bulk actions are for chairs.")
    queue_ids = list(review_queue(request.user).values_list("pk", flat=True))
    form = BulkForm(request.POST, queue_ids=queue_ids)
    if not form.is_valid():
        messages.error(request, "Choose an action and at least one disclosure from your queue.")
        return redirect("emissions:review_queue")
    outcome = disclosures_bulk_transition(
        action=form.cleaned_data["action"],
        disclosure_ids=form.cleaned_data["disclosures"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
        reviewer=form.cleaned_data.get("reviewer"),
    )
    if outcome.done:
        messages.success(
            request, f"Done for {len(outcome.done)}: " + ", ".join(f"#{pk}" for pk in outcome.done)
        )
    for pk, why in outcome.refused.items():
        messages.error(request, f"#{pk}: {why}")
    return redirect("emissions:review_queue")
