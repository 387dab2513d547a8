"""Who may see which submission, and the editors' queue with its filters (read-only).

The HTML pages, the API and the account page call these; a visibility rule is written once.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from incidents.models.submissions import Submission, SubmissionState
from incidents.services.submissions import is_editor
from registry.models import AuditEvent, User

QUEUE_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "published": ("-date_published", "-pk"),
    "published_oldest": ("date_published", "pk"),
}
QUEUE_STATES = ("open", "new", "in_review", "accepted", "rejected", "all")


@dataclass(frozen=True)
class QueueFilters:
    state: str = "open"
    mine: bool = False
    proposes_new_incident: bool = False
    possible_duplicate: bool = False
    language: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    sort: str = "oldest"
    text: str = ""


def submissions_queue(*, actor: User, filters: QueueFilters) -> QuerySet[Submission]:
    """The editors' queue; empty for anyone who is not an editor."""
    if not is_editor(actor):
        return Submission.objects.none()
    queryset = Submission.objects.select_related("claimed_by", "submitter")
    if filters.state == "open":
        queryset = queryset.filter(state__in=[SubmissionState.NEW, SubmissionState.IN_REVIEW])
    elif filters.state in SubmissionState.values:
        queryset = queryset.filter(state=filters.state)
    if filters.mine:
        queryset = queryset.filter(claimed_by=actor)
    if filters.proposes_new_incident:
        queryset = queryset.filter(incident_ids=[]).exclude(incident_title="")
    if filters.possible_duplicate:
        queryset = queryset.filter(possible_duplicate=True)
    if filters.language:
        queryset = queryset.filter(language__iexact=filters.language)
    if filters.submitted_from:
        queryset = queryset.filter(created_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        queryset = queryset.filter(created_at__date__lte=filters.submitted_to)
    if filters.text:
        queryset = queryset.filter(
            Q(title__icontains=filters.text) | Q(url__icontains=filters.text)
        )
    return queryset.order_by(*QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["oldest"]))


def submission_languages() -> list[str]:
    """Languages present in the open queue, for the filter's choices."""
    return sorted(
        set(
            Submission.objects.filter(state__in=[SubmissionState.NEW, SubmissionState.IN_REVIEW])
            .exclude(language="")
            .values_list("language", flat=True)
        )
    )


def submission_visible_to(*, actor: User | None, submission_id: int) -> Submission | None:
    """The submission if `actor` filed it (logged in) or is an editor; None otherwise, so that
    callers answer 404 and reveal nothing about other people's submissions."""
    if actor is None or not actor.is_authenticated:
        return None
    queryset = Submission.objects.select_related("resulting_report", "claimed_by", "decided_by")
    if not is_editor(actor):
        queryset = queryset.filter(submitter=actor)
    return queryset.filter(pk=submission_id).first()


def submission_for_token(*, token: uuid.UUID) -> Submission | None:
    """The submission behind a private status link."""
    return (
        Submission.objects.select_related("resulting_report")
        .prefetch_related("resulting_incidents")
        .filter(token=token)
        .first()
    )


def submissions_for_user(user: User) -> QuerySet[Submission]:
    """A logged-in submitter's own submissions, newest first (for the account page)."""
    if user is None or not user.is_authenticated:
        return Submission.objects.none()
    return (
        Submission.objects.filter(submitter=user)
        .select_related("resulting_report")
        .prefetch_related("resulting_incidents")
        .order_by("-created_at", "-pk")
    )


def submission_history(*, submission: Submission) -> QuerySet[AuditEvent]:
    """Every audited action on a submission, oldest first (editors' view)."""
    return AuditEvent.objects.filter(
        subject_type=Submission._meta.label_lower, subject_id=submission.pk
    ).order_by("created_at", "id")
