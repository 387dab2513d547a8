"""Who reviews which paper at a venue: by hand, automatically, or from an imported file.

Every path asks the same conflict rule (`venue_reviewer_may_review`, which is the disclosures
workflow's `disclosures_for_reviewer`), so a conflicted reviewer never gets a paper.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from emissions import notifications
from emissions.models import Disclosure, DisclosureState
from emissions.selectors import disclosures_for_reviewer, possible_conflicts
from registry.models import Role, User
from registry.workflow import audit
from venues.models import ReviewAssignment, Venue
from venues.models.reviews import AssignmentSource
from venues.selectors import (
    AmbiguousSubmissionId,
    venue_is_chair,
    venue_paper_by_submission_id,
    venue_papers,
    venue_reviewer_may_review,
)
from venues.services.venues import VenueInputError, VenuePermissionDenied

# Papers that still need reviewers: submitted and not yet decided.
ASSIGNABLE_STATES = (
    DisclosureState.SUBMITTED,
    DisclosureState.IN_REVIEW,
    DisclosureState.CHANGES_REQUESTED,
)
MAX_IMPORT_ROWS = 10_000


class AssignmentRefused(Exception):
    """This reviewer cannot be given this paper (conflict, wrong venue, not a reviewer...)."""


def _require_chair(actor: User | None, venue: Venue) -> None:
    if actor is not None and not venue_is_chair(user=actor, venue=venue):
        raise VenuePermissionDenied("only the venue's chairs may assign reviewers")


def _refusal(venue: Venue, disclosure: Disclosure, reviewer: User) -> str | None:
    """Why `reviewer` may not review `disclosure` at `venue`, or None if they may."""
    if disclosure.venue_id != venue.pk:
        return "the paper is not submitted to this venue"
    if disclosure.state not in ASSIGNABLE_STATES:
        return f"the paper is {disclosure.get_state_display().lower()}, not awaiting review"
    if not reviewer.is_active or not reviewer.has_role(Role.REVIEWER):
        return f"{reviewer.email or reviewer.get_username()} is not a reviewer"
    if not venue_reviewer_may_review(reviewer=reviewer, disclosure=disclosure):
        return f"{reviewer.email or reviewer.get_username()} has a conflict with this paper"
    return None


def _create(
    *, venue: Venue, disclosure: Disclosure, reviewer: User, actor: User | None, source: str
) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.create(
        venue=venue, disclosure=disclosure, reviewer=reviewer, source=source, assigned_by=actor
    )
    venue.reviewers.add(reviewer)
    data: dict[str, object] = {"venue": venue.slug, "reviewer": reviewer.pk, "source": source}
    flags = possible_conflicts(reviewer=reviewer, disclosure=disclosure)
    if flags:
        data["possible_conflicts"] = flags
    audit(actor=actor, subject=disclosure, action="reviewer_assigned", data=data)
    transaction.on_commit(
        lambda: notifications.notify_assigned(disclosure_id=disclosure.pk, reviewer_id=reviewer.pk)
    )
    return assignment


@transaction.atomic
def assignment_add(
    *, actor: User | None, venue: Venue, disclosure: Disclosure, reviewer: User
) -> ReviewAssignment:
    """Assign one reviewer to one paper by hand. Side effects: audit event; team membership."""
    _require_chair(actor, venue)
    reason = _refusal(venue, disclosure, reviewer)
    if reason:
        raise AssignmentRefused(reason)
    existing = ReviewAssignment.objects.filter(disclosure=disclosure, reviewer=reviewer).first()
    if existing is not None:
        return existing
    return _create(
        venue=venue,
        disclosure=disclosure,
        reviewer=reviewer,
        actor=actor,
        source=AssignmentSource.MANUAL,
    )


@transaction.atomic
def assignment_remove(*, actor: User | None, assignment: ReviewAssignment) -> None:
    """Withdraw an assignment; refused once the reviewer has written their review."""
    _require_chair(actor, assignment.venue)
    if hasattr(assignment, "review"):
        raise AssignmentRefused("the reviewer has already reviewed this paper")
    audit(
        actor=actor,
        subject=assignment.disclosure,
        action="reviewer_unassigned",
        data={"venue": assignment.venue.slug, "reviewer": assignment.reviewer_id},
    )
    assignment.delete()


@transaction.atomic
def assignment_recuse(*, reviewer: User, disclosure: Disclosure, reason: str) -> None:
    """A reviewer declares a conflict with a paper they were assigned, and gives it back.

    The declaration is the disclosures workflow's (`disclosure_declare_conflict`, which also
    releases the paper if the reviewer had claimed it); the assignment is then removed so
    automatic assignment can give the paper to someone else. Side effects: audit events.
    """
    from emissions.services.comments_and_conflicts import disclosure_declare_conflict

    if not reason.strip():
        raise AssignmentRefused("say briefly why you have a conflict")
    disclosure_declare_conflict(
        disclosure_id=disclosure.pk, reviewer=reviewer, actor=reviewer, reason=reason
    )
    removed, _ = ReviewAssignment.objects.filter(disclosure=disclosure, reviewer=reviewer).delete()
    if removed:
        audit(
            actor=reviewer,
            subject=disclosure,
            action="reviewer_recused",
            data={"venue": disclosure.venue.slug if disclosure.venue else "", "reason": reason},
        )


# --- Automatic balanced assignment ------------------------------------------------------------


def plan_balanced_assignment(
    *,
    papers: Sequence[int],
    reviewers: Sequence[int],
    eligible: Mapping[int, set[int]],
    existing: Mapping[int, set[int]],
    per_paper: int,
) -> list[tuple[int, int]]:
    """Choose (paper, reviewer) pairs so each paper reaches `per_paper` reviewers if it can.

    Only pairs in `eligible[paper]` are ever chosen, so a conflicted reviewer is never picked.
    The most constrained papers go first; each takes the least-loaded eligible reviewers
    (ties broken by id), which keeps loads within one of each other when nobody is conflicted.
    Existing assignments count towards both the paper's quota and the reviewer's load.
    """
    load: dict[int, int] = {r: 0 for r in reviewers}
    for assigned in existing.values():
        for reviewer in assigned:
            if reviewer in load:
                load[reviewer] += 1
    chosen: list[tuple[int, int]] = []

    def slack(paper: int) -> tuple[int, int]:
        open_reviewers = (eligible.get(paper, set()) & load.keys()) - existing.get(paper, set())
        return (len(open_reviewers), paper)

    for paper in sorted(papers, key=slack):
        taken = existing.get(paper, set())
        need = per_paper - len(taken)
        if need <= 0:
            continue
        candidates = sorted(
            (eligible.get(paper, set()) & load.keys()) - taken, key=lambda r: (load[r], r)
        )
        for reviewer in candidates[:need]:
            load[reviewer] += 1
            chosen.append((paper, reviewer))
    return chosen


@dataclass
class AutoAssignmentResult:
    created: list[ReviewAssignment] = field(default_factory=list)
    # paper (disclosure id) -> how many reviewers it is still short of, for lack of eligible ones
    short: dict[int, int] = field(default_factory=dict)


@transaction.atomic
def assignments_auto(
    *, actor: User | None, venue: Venue, per_paper: int | None = None
) -> AutoAssignmentResult:
    """Give every paper awaiting review `per_paper` reviewers from the team, balancing load.

    Keeps existing assignments. Side effects: one audit event per assignment created.
    """
    _require_chair(actor, venue)
    per_paper = per_paper or venue.reviewers_per_paper
    if not 1 <= per_paper <= 10:
        raise VenueInputError("reviewers per paper must be between 1 and 10")
    papers = {d.pk: d for d in venue_papers(venue=venue).filter(state__in=ASSIGNABLE_STATES)}
    team = {r.pk: r for r in venue.reviewers.filter(is_active=True) if r.has_role(Role.REVIEWER)}
    eligible: dict[int, set[int]] = defaultdict(set)
    for reviewer in team.values():
        allowed = disclosures_for_reviewer(reviewer).filter(pk__in=papers.keys())
        for paper_id in allowed.values_list("pk", flat=True):
            if not possible_conflicts(reviewer=reviewer, disclosure=papers[paper_id]):
                eligible[paper_id].add(reviewer.pk)
    existing: dict[int, set[int]] = defaultdict(set)
    for paper_id, reviewer_id in ReviewAssignment.objects.filter(
        disclosure_id__in=papers.keys()
    ).values_list("disclosure_id", "reviewer_id"):
        existing[paper_id].add(reviewer_id)
    plan = plan_balanced_assignment(
        papers=sorted(papers),
        reviewers=sorted(team),
        eligible=eligible,
        existing=existing,
        per_paper=per_paper,
    )
    result = AutoAssignmentResult()
    for paper_id, reviewer_id in plan:
        result.created.append(
            _create(
                venue=venue,
                disclosure=papers[paper_id],
                reviewer=team[reviewer_id],
                actor=actor,
                source=AssignmentSource.AUTOMATIC,
            )
        )
        existing[paper_id].add(reviewer_id)
    for paper_id in papers:
        missing = per_paper - len(existing[paper_id])
        if missing > 0:
            result.short[paper_id] = missing
    return result


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (the CSV header is row 0)
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class AssignmentImport:
    created: list[ReviewAssignment] = field(default_factory=list)
    already_assigned: int = 0
    errors: list[RowError] = field(default_factory=list)


def parse_assignment_rows(content: str, *, fmt: str) -> list[tuple[int, str, str]]:
    """(row number, submission id, reviewer email) from CSV or JSON; raise VenueInputError.

    CSV: a header naming `submission_id` and `reviewer_email`. JSON: a list of objects with
    those keys.
    """
    rows: list[tuple[int, str, str]] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
        header = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if not {"submission_id", "reviewer_email"} <= header:
            raise VenueInputError("the CSV needs a header with submission_id and reviewer_email")
        for number, record in enumerate(reader, start=1):
            clean = {(k or "").strip().lower(): (v or "") for k, v in record.items() if k}
            rows.append((number, clean["submission_id"].strip(), clean["reviewer_email"].strip()))
            if len(rows) > MAX_IMPORT_ROWS:
                raise VenueInputError(f"at most {MAX_IMPORT_ROWS} rows per import")
    elif fmt == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise VenueInputError(f"not valid JSON: {error.msg} (line {error.lineno})") from error
        except RecursionError:
            raise VenueInputError("not valid JSON: nested too deeply") from None
        if not isinstance(data, list):
            raise VenueInputError("the JSON must be a list of {submission_id, reviewer_email}")
        if len(data) > MAX_IMPORT_ROWS:
            raise VenueInputError(f"at most {MAX_IMPORT_ROWS} rows per import")
        for number, record in enumerate(data, start=1):
            if not isinstance(record, dict):
                rows.append((number, "", ""))
                continue
            rows.append(
                (
                    number,
                    str(record.get("submission_id", "") or "").strip(),
                    str(record.get("reviewer_email", "") or "").strip(),
                )
            )
    else:
        raise VenueInputError("the format must be csv or json")
    return rows


@transaction.atomic
def assignments_import(
    *, actor: User | None, venue: Venue, content: str, fmt: str
) -> AssignmentImport:
    """Import (submission id, reviewer email) rows; all or nothing.

    Every row is checked first; if any row is wrong, nothing is assigned and `errors` names
    each bad row and why. Rows already assigned are counted, not repeated.
    """
    _require_chair(actor, venue)
    rows = parse_assignment_rows(content, fmt=fmt)
    result = AssignmentImport()
    if not rows:
        result.errors.append(RowError(0, "the file has no rows"))
        return result
    emails = {email.lower() for _, _, email in rows if email}
    users = {
        u.email_lower: u
        for u in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    seen: set[tuple[int, int]] = set()
    planned: list[tuple[Disclosure, User]] = []
    for number, submission_id, email in rows:
        if not submission_id or not email:
            result.errors.append(RowError(number, "submission_id and reviewer_email are required"))
            continue
        try:
            paper = venue_paper_by_submission_id(venue=venue, submission_id=submission_id)
        except AmbiguousSubmissionId as error:
            result.errors.append(RowError(number, str(error)))
            continue
        if paper is None:
            result.errors.append(
                RowError(number, f"no paper with submission id {submission_id!r} at this venue")
            )
            continue
        reviewer = users.get(email.lower())
        if reviewer is None:
            result.errors.append(RowError(number, f"no account with email {email!r}"))
            continue
        reason = _refusal(venue, paper, reviewer)
        if reason:
            result.errors.append(RowError(number, reason))
            continue
        key = (paper.pk, reviewer.pk)
        if key in seen:
            result.errors.append(RowError(number, "the same pair appears twice in the file"))
            continue
        seen.add(key)
        planned.append((paper, reviewer))
    if result.errors:
        return result
    for paper, reviewer in planned:
        if ReviewAssignment.objects.filter(disclosure=paper, reviewer=reviewer).exists():
            result.already_assigned += 1
            continue
        result.created.append(
            _create(
                venue=venue,
                disclosure=paper,
                reviewer=reviewer,
                actor=actor,
                source=AssignmentSource.IMPORT,
            )
        )
    return result
