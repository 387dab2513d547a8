"""Write paths for venues: creation with a default checklist and calendar, the reviewer team,
the phases, the checklist. Every change writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from emissions.models import Disclosure, DisclosureState
from registry.models import Role, User
from registry.workflow import audit
from venues.models import ChecklistItem, ReviewPhase, Venue
from venues.selectors import venue_is_chair


class VenuePermissionDenied(Exception):
    """The person may not change this venue (only its chairs and staff may)."""


class VenueInputError(ValueError):
    """The venue data is invalid; the message says which value and why."""


@dataclass(frozen=True)
class ChecklistItemSpec:
    code: str
    label: str
    question: str
    guidance: str = ""


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    starts_at: datetime
    reviewers_may_review: bool = False
    reviewers_see_other_reviews: bool = False
    authors_see_reviews: bool = False
    chairs_may_decide: bool = False


# The exact wording of the two compute items venues ask most (anchors §10).
NEURIPS_COMPUTE_ITEM = ChecklistItemSpec(
    code="neurips-8",
    label="NeurIPS 8. Experiments compute resources",
    question=(
        "For each experiment, does the paper provide sufficient information on the computer "
        "resources (type of compute workers, memory, time of execution) needed to reproduce "
        "the experiments?"
    ),
    guidance=(
        "Type of compute workers (CPU/GPU, internal cluster or cloud provider, memory and "
        "storage); the compute for each run and an estimate of the total; whether the whole "
        "project needed more compute than reported (preliminary or failed experiments). "
        "Answer Yes / No / NA with a short justification."
    ),
)
ACL_C1_ITEM = ChecklistItemSpec(
    code="acl-c1",
    label="ACL C1. Parameters, budget, infrastructure",
    question=(
        "Did you report the number of parameters in the models used, the total computational "
        "budget (e.g., GPU hours), and computing infrastructure used?"
    ),
)
DEFAULT_CHECKLIST: tuple[ChecklistItemSpec, ...] = (NEURIPS_COMPUTE_ITEM, ACL_C1_ITEM)


def default_phases(*, starting: datetime) -> tuple[PhaseSpec, ...]:
    """One phase open for reviewing and deciding; venues with a calendar define their own."""
    return (
        PhaseSpec(
            name="Review",
            starts_at=starting,
            reviewers_may_review=True,
            chairs_may_decide=True,
        ),
    )


def _require_chair(actor: User | None, venue: Venue) -> None:
    # actor None is the system itself (management commands, demo data).
    if actor is not None and not venue_is_chair(user=actor, venue=venue):
        raise VenuePermissionDenied("only the venue's chairs may change it")


def _write_checklist(venue: Venue, items: Sequence[ChecklistItemSpec]) -> None:
    codes = [slugify(item.code) for item in items]
    if any(not code for code in codes):
        raise VenueInputError("every checklist item needs a code")
    if len(set(codes)) != len(codes):
        raise VenueInputError("checklist item codes must be unique within a venue")
    for position, (code, item) in enumerate(zip(codes, items, strict=True)):
        if not item.label.strip() or not item.question.strip():
            raise VenueInputError(f"checklist item {code!r} needs a label and a question")
        ChecklistItem.objects.create(
            venue=venue,
            code=code,
            label=item.label.strip(),
            question=item.question.strip(),
            guidance=item.guidance.strip(),
            position=position,
        )


def _write_phases(venue: Venue, phases: Sequence[PhaseSpec]) -> None:
    starts = [p.starts_at for p in phases]
    if len(set(starts)) != len(starts):
        raise VenueInputError("two phases cannot start at the same moment")
    for spec in phases:
        if not spec.name.strip():
            raise VenueInputError("every phase needs a name")
        ReviewPhase.objects.create(
            venue=venue,
            name=spec.name.strip(),
            starts_at=spec.starts_at,
            reviewers_may_review=spec.reviewers_may_review,
            reviewers_see_other_reviews=spec.reviewers_see_other_reviews,
            authors_see_reviews=spec.authors_see_reviews,
            chairs_may_decide=spec.chairs_may_decide,
        )


@transaction.atomic
def venue_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    submission_deadline: datetime | None = None,
    review_deadline: datetime | None = None,
    decision_deadline: datetime | None = None,
    reviewers_per_paper: int = 3,
    checklist: Sequence[ChecklistItemSpec] = DEFAULT_CHECKLIST,
    phases: Sequence[PhaseSpec] | None = None,
) -> Venue:
    """Create a venue with its checklist (NeurIPS item 8 and ACL C1 unless given) and phases.

    The acting chair becomes one of its chairs. Side effects: one audit event.
    """
    if actor is not None and not actor.has_role(Role.CHAIR):
        raise VenuePermissionDenied("only chairs and staff may create venues")
    slug = slugify(slug)
    if not slug or not name.strip():
        raise VenueInputError("a venue needs a slug and a name")
    if not 1 <= reviewers_per_paper <= 10:
        raise VenueInputError("reviewers per paper must be between 1 and 10")
    if starts_on and ends_on and ends_on < starts_on:
        raise VenueInputError("the venue cannot end before it starts")
    if Venue.objects.filter(slug=slug).exists():
        raise VenueInputError(f"a venue with slug {slug!r} already exists")
    try:
        with transaction.atomic():
            venue = Venue.objects.create(
                slug=slug,
                name=name.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
                submission_deadline=submission_deadline,
                review_deadline=review_deadline,
                decision_deadline=decision_deadline,
                reviewers_per_paper=reviewers_per_paper,
            )
    except IntegrityError as error:
        raise VenueInputError(f"a venue with slug {slug!r} already exists") from error
    _write_checklist(venue, checklist)
    _write_phases(venue, phases if phases is not None else default_phases(starting=timezone.now()))
    if actor is not None:
        venue.chairs.add(actor)
    audit(actor=actor, subject=venue, action="venue_created", data={"slug": slug})
    return venue


@transaction.atomic
def venue_set_checklist(
    *, actor: User | None, venue: Venue, items: Sequence[ChecklistItemSpec]
) -> list[ChecklistItem]:
    """Replace the venue's checklist; refused once any reviewer has answered it."""
    _require_chair(actor, venue)
    if venue.checklist_items.filter(answers__isnull=False).exists():
        raise VenueInputError("the checklist has answers already and can no longer change")
    venue.checklist_items.all().delete()
    _write_checklist(venue, items)
    audit(
        actor=actor,
        subject=venue,
        action="venue_checklist_set",
        data={"codes": [slugify(i.code) for i in items]},
    )
    return list(venue.checklist_items.all())


@transaction.atomic
def venue_set_phases(
    *, actor: User | None, venue: Venue, phases: Sequence[PhaseSpec]
) -> list[ReviewPhase]:
    """Replace the venue's calendar of phases."""
    _require_chair(actor, venue)
    venue.phases.all().delete()
    _write_phases(venue, phases)
    audit(
        actor=actor,
        subject=venue,
        action="venue_phases_set",
        data={"phases": [p.name for p in phases]},
    )
    return list(venue.phases.all())


@transaction.atomic
def venue_add_reviewers(
    *, actor: User | None, venue: Venue, reviewers: Iterable[User]
) -> list[User]:
    """Add people to the reviewer team; only accounts with the reviewer role qualify."""
    _require_chair(actor, venue)
    reviewers = list(reviewers)
    refused = [r.email or r.get_username() for r in reviewers if not r.has_role(Role.REVIEWER)]
    if refused:
        raise VenueInputError("not reviewer accounts: " + ", ".join(sorted(refused)))
    venue.reviewers.add(*reviewers)
    audit(
        actor=actor,
        subject=venue,
        action="venue_reviewers_added",
        data={"reviewers": sorted(r.pk for r in reviewers)},
    )
    return reviewers


@transaction.atomic
def venue_remove_reviewer(*, actor: User | None, venue: Venue, reviewer: User) -> None:
    """Take someone off the team; refused while they still hold assignments at the venue."""
    _require_chair(actor, venue)
    if venue.assignments.filter(reviewer=reviewer).exists():
        raise VenueInputError("remove the reviewer's assignments first")
    venue.reviewers.remove(reviewer)
    audit(
        actor=actor, subject=venue, action="venue_reviewer_removed", data={"reviewer": reviewer.pk}
    )


@transaction.atomic
def venue_add_chair(*, actor: User | None, venue: Venue, chair: User) -> None:
    _require_chair(actor, venue)
    if chair.role not in (Role.CHAIR, Role.STAFF):
        raise VenueInputError("only accounts with the chair role may chair a venue")
    venue.chairs.add(chair)
    audit(actor=actor, subject=venue, action="venue_chair_added", data={"chair": chair.pk})


@transaction.atomic
def venue_paper_accept(*, actor: User | None, venue: Venue, disclosure_id: int) -> Disclosure:
    """A chair accepts a researcher's attachment: the disclosure becomes the venue's paper.

    Until then it is a request: not listed, assigned or found by its submission id. Refused
    when another live paper of the venue holds the id (a partial unique constraint settles
    concurrent acceptances). Side effects: one "venue_paper_accepted" audit event.
    """
    _require_chair(actor, venue)
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
    submission_id = disclosure.venue_submission_id
    if disclosure.venue_id != venue.pk:
        raise VenueInputError("the disclosure is not attached to this venue")
    if disclosure.venue_accepted:
        return disclosure
    if disclosure.supersedes_id is not None:
        raise VenueInputError("an amendment belongs to the venue of the version it amends")
    if not submission_id:
        raise VenueInputError("the disclosure names no submission id")
    if disclosure.state in (DisclosureState.DRAFT, DisclosureState.WITHDRAWN):
        raise VenueInputError("only a submitted disclosure can be accepted")
    if disclosure.state == DisclosureState.VERIFIED:
        raise VenueInputError("a verified disclosure is frozen; its researcher amends it")
    holder = (
        Disclosure.objects.filter(
            venue=venue,
            venue_submission_id=submission_id,
            venue_accepted=True,
            supersedes__isnull=True,
        )
        .exclude(state__in=[DisclosureState.REJECTED, DisclosureState.WITHDRAWN])
        .exists()
    )
    if holder:
        raise VenueInputError(f"another paper at this venue has submission id {submission_id!r}")
    disclosure.venue_accepted = True
    try:
        with transaction.atomic():
            disclosure.save(update_fields=["venue_accepted", "modified_at"])
    except IntegrityError as error:
        raise VenueInputError(
            f"another paper at this venue has submission id {submission_id!r}"
        ) from error
    audit(
        actor=actor,
        subject=disclosure,
        action="venue_paper_accepted",
        from_state=disclosure.state,
        to_state=disclosure.state,
        data={"venue": venue.slug, "submission_id": submission_id},
    )
    return disclosure
