"""Read paths for venues: who chairs or reviews where, which phase is in force, what each
person may see of a venue's papers and reviews.

Conflicts are not re-implemented here: whether a reviewer may see a paper is always
`emissions.selectors.disclosures_for_reviewer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from emissions.models import Disclosure, DisclosureState
from emissions.selectors import Viewer, disclosures_for_reviewer, disclosures_visible_to
from registry.models import Role, User
from venues.models import ChecklistAnswer, ExportJob, Review, ReviewAssignment, ReviewPhase, Venue

# A draft is private to its author, so a venue's chairs see papers once they are submitted.
VENUE_HIDDEN_STATES = (DisclosureState.DRAFT,)


def _authenticated(user: Viewer) -> bool:
    return bool(user is not None and user.is_authenticated)


def venue_is_chair(*, user: Viewer, venue: Venue) -> bool:
    """Staff chair every venue; a chair chairs the venues that list them."""
    if not _authenticated(user):
        return False
    assert isinstance(user, User)
    if user.role == Role.STAFF or user.is_superuser:
        return True
    return user.role == Role.CHAIR and venue.chairs.filter(pk=user.pk).exists()


def venue_is_reviewer(*, user: Viewer, venue: Venue) -> bool:
    if not _authenticated(user):
        return False
    assert isinstance(user, User)
    return user.has_role(Role.REVIEWER) and venue.reviewers.filter(pk=user.pk).exists()


def venues_for_user(*, user: Viewer) -> QuerySet[Venue]:
    """The venues a person chairs or reviews for (every venue for staff)."""
    if not _authenticated(user):
        return Venue.objects.none()
    assert isinstance(user, User)
    if user.role == Role.STAFF or user.is_superuser:
        return Venue.objects.all()
    return Venue.objects.filter(Q(chairs=user) | Q(reviewers=user)).distinct()


def venue_current_phase(*, venue: Venue, at: datetime | None = None) -> ReviewPhase | None:
    """The phase that started last, or None before the first one starts."""
    return venue.phases.filter(starts_at__lte=at or timezone.now()).order_by("-starts_at").first()


class AmbiguousSubmissionId(Exception):
    """More than one paper line at a venue answers to one submission id."""


def venue_papers(*, venue: Venue) -> QuerySet[Disclosure]:
    """The venue's papers as its chairs see them: accepted ones past the draft stage."""
    return (
        Disclosure.objects.filter(venue=venue, venue_accepted=True)
        .exclude(state__in=VENUE_HIDDEN_STATES)
        .select_related("owner", "venue")
        .order_by("venue_submission_id", "id")
    )


def venue_paper_requests(*, venue: Venue) -> QuerySet[Disclosure]:
    """Disclosures their researchers attached to the venue that no chair has accepted yet."""
    return (
        Disclosure.objects.filter(venue=venue, venue_accepted=False)
        .exclude(state__in=(*VENUE_HIDDEN_STATES, DisclosureState.WITHDRAWN))
        .select_related("owner", "venue")
        .order_by("venue_submission_id", "id")
    )


def venue_workflow_refusal(*, actor: Viewer, disclosure: Disclosure) -> str | None:
    """Why `actor` may not decide on or assign a venue's paper now, or None if they may.

    The one venue rule of the disclosure workflow: a paper attached to a venue is decided
    (claimed, assigned, released, verified, rejected, returned) only by a chair of that venue
    while its current phase lets chairs decide, or by a reviewer the venue assigned to it.
    A disclosure outside any venue meets no venue rule.
    """
    if disclosure.venue_id is None:
        return None
    if not _authenticated(actor):
        return "sign in first"
    if assignment_for(reviewer=actor, disclosure=disclosure) is not None:
        return None
    if not venue_is_chair(user=actor, venue=disclosure.venue):
        return "only the venue's chairs and the paper's assigned reviewers act on it"
    phase = venue_current_phase(venue=disclosure.venue)
    if phase is None or not phase.chairs_may_decide:
        return "the venue's current phase does not allow decisions"
    return None


def venue_paper_by_submission_id(*, venue: Venue, submission_id: str) -> Disclosure | None:
    """The live version of a paper: an amendment supersedes the version it replaces.

    Raises AmbiguousSubmissionId when live versions of more than one paper line share the id
    (a database constraint forbids it; the lookup refuses to guess all the same).
    """
    candidates = venue_papers(venue=venue).filter(venue_submission_id=submission_id.strip())
    candidates = candidates.order_by("-version", "-id")
    live = list(candidates.exclude(state__in=[DisclosureState.WITHDRAWN, DisclosureState.REJECTED]))
    if len({_line_root_id(paper) for paper in live}) > 1:
        raise AmbiguousSubmissionId(
            f"more than one paper at {venue.slug} has submission id {submission_id.strip()!r}"
        )
    return live[0] if live else candidates.first()


def _line_root_id(disclosure: Disclosure) -> int:
    """The first version of the disclosure's line of amendments."""
    root_id = disclosure.pk
    parent = disclosure.supersedes_id
    while parent is not None:
        root_id = parent
        parent = Disclosure.objects.filter(pk=parent).values_list("supersedes_id", flat=True)[0]
    return root_id


def venue_reviewer_may_review(*, reviewer: Viewer, disclosure: Disclosure) -> bool:
    """The one conflict rule: the disclosures engineer's reviewer selector."""
    return disclosures_for_reviewer(reviewer).filter(pk=disclosure.pk).exists()


def assignments_for_reviewer(*, reviewer: User, venue: Venue) -> QuerySet[ReviewAssignment]:
    """A reviewer's papers at a venue, minus any that became conflicted after assignment."""
    allowed = disclosures_for_reviewer(reviewer).filter(venue=venue).values("pk")
    return (
        ReviewAssignment.objects.filter(venue=venue, reviewer=reviewer, disclosure__in=allowed)
        .select_related("disclosure", "review")
        .order_by("disclosure__venue_submission_id", "disclosure_id")
    )


def assignment_for(*, reviewer: Viewer, disclosure: Disclosure) -> ReviewAssignment | None:
    if not _authenticated(reviewer):
        return None
    return (
        ReviewAssignment.objects.filter(disclosure=disclosure, reviewer=reviewer)
        .select_related("venue", "disclosure")
        .first()
    )


def venue_assignments(*, venue: Venue) -> QuerySet[ReviewAssignment]:
    return ReviewAssignment.objects.filter(venue=venue).select_related(
        "reviewer", "disclosure", "review"
    )


def reviews_of(*, disclosure: Disclosure) -> QuerySet[Review]:
    answers = ChecklistAnswer.objects.select_related("item").order_by("item__position", "item_id")
    return (
        Review.objects.filter(assignment__disclosure=disclosure)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("submitted_at", "id")
    )


def reviews_visible_to(*, user: Viewer, disclosure: Disclosure) -> QuerySet[Review]:
    """Which reviews of a paper a person may read, by the venue's current phase.

    Chairs read all of them. A reviewer reads their own, and the others' once the phase lets
    reviewers see each other's. The author reads them once the phase opens reviews to authors.
    """
    reviews = reviews_of(disclosure=disclosure)
    if disclosure.venue is None or not _authenticated(user):
        return reviews.none()
    venue = disclosure.venue
    if venue_is_chair(user=user, venue=venue):
        return reviews
    phase = venue_current_phase(venue=venue)
    if disclosure.owner_id == user.pk:
        return reviews if phase is not None and phase.authors_see_reviews else reviews.none()
    mine = reviews.filter(assignment__reviewer=user)
    if not mine.exists():
        return reviews.none()
    if phase is not None and phase.reviewers_see_other_reviews:
        return reviews
    return mine


def export_jobs_for_venue(*, venue: Venue) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(venue=venue).select_related("requested_by")


# Who may export what: the packet holds reviews and reviewer names, so it is for the venue's
# chairs and the paper's (unconflicted) assigned reviewers; the statement and the Hugging Face
# metadata say nothing beyond the disclosure, so whoever may see the disclosure may have them.
PACKET_FORMATS = frozenset({"pdf"})


def disclosure_export_allowed(*, user: Viewer, disclosure: Disclosure, fmt: str) -> bool:
    if fmt in PACKET_FORMATS:
        if disclosure.state in VENUE_HIDDEN_STATES or disclosure.venue is None:
            return bool(
                _authenticated(user)
                and isinstance(user, User)
                and (user.role == Role.STAFF or user.is_superuser)
                and disclosure.state not in VENUE_HIDDEN_STATES
            )
        if venue_is_chair(user=user, venue=disclosure.venue):
            return True
        return assignment_for(reviewer=user, disclosure=disclosure) is not None and (
            venue_reviewer_may_review(reviewer=user, disclosure=disclosure)
        )
    return disclosures_visible_to(user).filter(pk=disclosure.pk).exists()


@dataclass(frozen=True)
class VenueProgress:
    """Where a venue's reviewing stands: reviews done against due, and papers running late."""

    papers: int
    reviews_done: int
    reviews_due: int  # assigned, not yet written
    reviews_wanted: int  # reviewers_per_paper for every paper
    understaffed: list[Disclosure]  # fewer reviewers assigned than the venue asks
    overdue: list[Disclosure]  # past the review deadline with a review missing


def venue_progress(*, venue: Venue, at: datetime | None = None) -> VenueProgress:
    at = at or timezone.now()
    papers = list(
        venue_papers(venue=venue).annotate(
            assigned=Count("review_assignments", distinct=True),
            reviewed=Count("review_assignments__review", distinct=True),
        )
    )
    past_deadline = venue.review_deadline is not None and at > venue.review_deadline
    return VenueProgress(
        papers=len(papers),
        reviews_done=sum(p.reviewed for p in papers),
        reviews_due=sum(p.assigned - p.reviewed for p in papers),
        reviews_wanted=venue.reviewers_per_paper * len(papers),
        understaffed=[p for p in papers if p.assigned < venue.reviewers_per_paper],
        overdue=[p for p in papers if past_deadline and p.reviewed < p.assigned]
        if past_deadline
        else [],
    )
