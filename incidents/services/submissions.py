"""The public submission queue: filing a submission and the editors' decisions on it.

Every state change goes through `SUBMISSION_TRANSITIONS` and `registry.workflow.apply_transition`
(row lock, table check, audit event in one transaction). Validation follows the AIID's
submission form; forms and serializers only parse input and call `submission_validate`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.indexing import schedule_reindex
from incidents.models.submissions import Submission, SubmissionOutcome, SubmissionState
from incidents.normalise import normalise_url, source_domain
from incidents.notifications import notify_submission_decided
from incidents.services.duplicates import duplicates_for_submission
from incidents.services.submission_input import (
    EDITABLE_FIELDS,
    REASON_MAX,
    SubmissionData,
    incident_ids_resolve,
    submission_validate,
)
from incidents.services.submission_publish import submission_publish
from registry.models import Role, User
from registry.workflow import (
    BulkOutcome,
    Transition,
    TransitionNotAllowed,
    TransitionTable,
    apply_transition,
    audit,
)

# --- Filing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionFiled:
    submission: Submission
    created: bool


def submission_create(
    *,
    data: SubmissionData,
    submitter: User | None,
    quick_add: bool = False,
    idempotency_key: uuid.UUID | None = None,
    idempotency_scope: str = "",
    source: str = "registry",
) -> SubmissionFiled:
    """File a submission in state `new`.

    Raises ValidationError (a dict by field) on bad input. The same `idempotency_key` filed
    again in the same `idempotency_scope` (see `idempotency_scope_for`) returns the first
    submission (`created=False`) instead of a second one; another scope's key is unrelated.
    Side effects: an audit event `submit`; `possible_duplicate` set from duplicate detection.
    """
    data = data.cleaned()
    same_key = Submission.objects.filter(
        idempotency_key=idempotency_key, idempotency_scope=idempotency_scope
    )
    if idempotency_key is not None:
        existing = same_key.first()
        if existing is not None:
            return SubmissionFiled(existing, created=False)
    errors = submission_validate(data, quick_add=quick_add)
    if errors:
        raise ValidationError(errors)
    if submitter is not None and not submitter.is_authenticated:
        submitter = None
    resolved = incident_ids_resolve(data.incident_ids)
    submission = Submission(
        **_model_values(data),
        submitter=submitter,
        quick_add=quick_add,
        idempotency_key=idempotency_key,
        idempotency_scope=idempotency_scope,
        source=source,
    )
    submission.incident_ids = list(dict.fromkeys(resolved[i] for i in data.incident_ids))
    if submitter is not None:
        # The e-mail (private, for the decision notice) may come from the account; the name
        # is credited publicly, so it is only ever what the submitter typed.
        submission.submitter_email = submission.submitter_email or submitter.email
    try:
        with transaction.atomic():
            submission.save()
            submission.possible_duplicate = duplicates_for_submission(
                submission=submission, include_submissions=True
            ).any
            submission.save(update_fields=["possible_duplicate"])
            audit(
                actor=submitter,
                subject=submission,
                action="submit",
                to_state=SubmissionState.NEW,
                data={"quick_add": quick_add, "possible_duplicate": submission.possible_duplicate},
            )
    except IntegrityError:
        # Two posts of one form raced past the lookup above: the first one stands.
        existing = same_key.first()
        if idempotency_key is None or existing is None:
            raise
        return SubmissionFiled(existing, created=False)
    return SubmissionFiled(submission, created=True)


def idempotency_scope_for(*, user: User | None, session_key: str | None, address: str) -> str:
    """The scope an idempotency key counts in: the account, else the browser session, else
    the client address (API clients without cookies)."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if session_key:
        return f"session:{session_key}"
    return f"address:{address}"[:80]


def _model_values(data: SubmissionData) -> dict[str, object]:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["url_normalised"] = normalise_url(data.url)
    values["source_domain"] = source_domain(data.url)
    return values


# --- The transition table -------------------------------------------------------------------


def is_editor(actor: User | None) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_role(Role.EDITOR)


def _editor(actor: User | None, submission: Submission) -> bool:
    return is_editor(actor)


def _claimer_or_unclaimed(actor: User | None, submission: Submission) -> bool:
    # A claim reserves a submission: only its claimer (or staff) may decide or release it.
    if not is_editor(actor):
        return False
    assert actor is not None
    return submission.claimed_by_id in (None, actor.pk) or actor.has_role(Role.STAFF)


OPEN = frozenset({SubmissionState.NEW, SubmissionState.IN_REVIEW})

SUBMISSION_TRANSITIONS = TransitionTable.of(
    "submission",
    Transition(
        "claim",
        frozenset({SubmissionState.NEW}),
        SubmissionState.IN_REVIEW,
        _editor,
        label="Claim",
    ),
    Transition(
        "unclaim",
        frozenset({SubmissionState.IN_REVIEW}),
        SubmissionState.NEW,
        _claimer_or_unclaimed,
        label="Unclaim",
    ),
    Transition(
        "accept_new_incident",
        OPEN,
        SubmissionState.ACCEPTED,
        _claimer_or_unclaimed,
        label="Accept as a new incident",
    ),
    Transition(
        "accept_existing",
        OPEN,
        SubmissionState.ACCEPTED,
        _claimer_or_unclaimed,
        label="Accept into existing incidents",
    ),
    Transition(
        "accept_issue",
        OPEN,
        SubmissionState.ACCEPTED,
        _claimer_or_unclaimed,
        label="Accept as an issue",
    ),
    Transition(
        "reject",
        OPEN,
        SubmissionState.REJECTED,
        _claimer_or_unclaimed,
        reason_required=True,
        label="Reject",
    ),
)

ACCEPT_ACTIONS = {
    "accept_new_incident": SubmissionOutcome.NEW_INCIDENT,
    "accept_existing": SubmissionOutcome.EXISTING_INCIDENTS,
    "accept_issue": SubmissionOutcome.ISSUE,
}


class SubmissionConflict(TransitionNotAllowed):
    """Another editor got there first: the submission is decided or claimed by someone else."""


def _apply(
    *,
    submission_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    updates: Callable[[Submission], Iterable[str]] | None = None,
    data: dict[str, object] | None = None,
) -> Submission:
    if not is_editor(actor):
        raise PermissionDenied("Only editors may act on submissions.")
    try:
        return apply_transition(
            table=SUBMISSION_TRANSITIONS,
            model=Submission,
            pk=submission_id,
            action=action,
            actor=actor,
            reason=reason,
            updates=updates,
            data=data,
        )
    except TransitionNotAllowed as refused:
        raise _explain(refused, submission_id=submission_id, actor=actor) from refused


def _explain(
    refused: TransitionNotAllowed, *, submission_id: int, actor: User | None
) -> TransitionNotAllowed:
    """Turn a refusal caused by another editor into a message that names them."""
    current = Submission.objects.select_related("decided_by", "claimed_by").get(pk=submission_id)
    if current.is_decided:
        who = current.decided_by.get_username() if current.decided_by else "another editor"
        when = current.decided_at.strftime("%Y-%m-%d %H:%M UTC") if current.decided_at else ""
        verb = current.get_state_display().lower()
        return SubmissionConflict(
            f"Submission {current.pk} was already {verb} by {who}"
            + (f" at {when}" if when else "")
            + f" ({current.get_outcome_display().lower()}); your action changed nothing.",
            allowed=[],
        )
    if current.claimed_by_id and actor is not None and current.claimed_by_id != actor.pk:
        who = current.claimed_by.get_username() if current.claimed_by else "another editor"
        return SubmissionConflict(
            f"Submission {current.pk} is claimed by {who}; only they (or staff) may act on it.",
            allowed=refused.allowed,
        )
    return refused


def submission_claim(*, submission_id: int, actor: User) -> Submission:
    """Reserve a new submission for `actor` (new -> in_review). Audited."""

    def updates(s: Submission) -> list[str]:
        s.claimed_by = actor
        return ["claimed_by"]

    return _apply(submission_id=submission_id, action="claim", actor=actor, updates=updates)


def submission_unclaim(*, submission_id: int, actor: User) -> Submission:
    """Release a claim (in_review -> new). Audited."""

    def updates(s: Submission) -> list[str]:
        s.claimed_by = None
        return ["claimed_by"]

    return _apply(submission_id=submission_id, action="unclaim", actor=actor, updates=updates)


def submission_reject(*, submission_id: int, actor: User, reason: str) -> Submission:
    """Reject with a reason that the submitter will see. The record stays, with its outcome.
    Side effects: audit event; an email to the submitter on commit."""
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"A reason is at most {REASON_MAX:,} characters."]})

    def updates(s: Submission) -> list[str]:
        s.outcome = SubmissionOutcome.REJECTED
        s.decision_reason = reason
        s.decided_by = actor
        s.decided_at = timezone.now()
        return ["outcome", "decision_reason", "decided_by", "decided_at"]

    submission = _apply(
        submission_id=submission_id, action="reject", actor=actor, reason=reason, updates=updates
    )
    _notify_on_commit(submission.pk)
    return submission


def submission_accept(
    *,
    submission_id: int,
    actor: User,
    action: str,
    incident_ids: Iterable[int] | None = None,
    reason: str = "",
) -> Submission:
    """Accept a submission: `accept_new_incident` creates an incident from the proposal,
    `accept_existing` adds the report to `incident_ids` (default: those the submitter named),
    `accept_issue` files a report tied to no incident.

    Side effects, all in the transaction of the transition: the report (and incident, and
    entities) are created, the audit event names them, the search index is refreshed on
    commit, and the submitter is emailed on commit. Of two editors accepting at once, one
    wins; the other gets SubmissionConflict naming the winner.
    """
    if action not in ACCEPT_ACTIONS:
        raise ValidationError({"action": [f"Unknown acceptance '{action}'."]})
    if not is_editor(actor):
        raise PermissionDenied("Only editors may act on submissions.")
    chosen = None if incident_ids is None else list(dict.fromkeys(incident_ids))
    # Filled inside the locked transition, so the audit event names what was created.
    created: dict[str, object] = {}

    def updates(s: Submission) -> list[str]:
        report, incidents = submission_publish(s, actor=actor, action=action, incident_ids=chosen)
        s.outcome = ACCEPT_ACTIONS[action]
        s.resulting_report = report
        s.decision_reason = reason.strip()[:REASON_MAX]
        s.decided_by = actor
        s.decided_at = timezone.now()
        s.resulting_incidents.set(incidents)
        created["report"] = report.number
        created["incidents"] = [i.pk for i in incidents]
        schedule_reindex(incident_ids=created["incidents"], report_numbers=[report.number])
        return ["outcome", "resulting_report", "decision_reason", "decided_by", "decided_at"]

    submission = _apply(
        submission_id=submission_id,
        action=action,
        actor=actor,
        reason=reason.strip()[:REASON_MAX],
        updates=updates,
        data=created,
    )
    _notify_on_commit(submission.pk)
    return submission


def _notify_on_commit(submission_id: int) -> None:
    transaction.on_commit(
        lambda: notify_submission_decided(submission_id=submission_id), robust=True
    )


# --- Editing before a decision, and bulk actions --------------------------------------------


def submission_edit(*, submission_id: int, actor: User, changes: dict[str, object]) -> Submission:
    """Correct an open submission before deciding on it (editors; the claimer if claimed).

    `changes` holds SubmissionData fields. The result is validated like a new submission;
    the audit event `edit` lists the changed fields with their previous values.
    """
    if not is_editor(actor):
        raise PermissionDenied("Only editors may edit submissions.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be edited."] for name in sorted(unknown)})
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if submission.is_decided or not _claimer_or_unclaimed(actor, submission):
            raise _explain(
                TransitionNotAllowed(f"Submission {submission.pk} cannot be edited now."),
                submission_id=submission.pk,
                actor=actor,
            )
        current = SubmissionData(**{name: getattr(submission, name) for name in EDITABLE_FIELDS})
        edited = SubmissionData(**{**current.__dict__, **changes}).cleaned()
        errors = submission_validate(edited, quick_add=submission.quick_add)
        if errors:
            raise ValidationError(errors)
        resolved = incident_ids_resolve(edited.incident_ids)
        edited.incident_ids = list(dict.fromkeys(resolved[i] for i in edited.incident_ids))
        before = {
            name: getattr(current, name)
            for name in EDITABLE_FIELDS
            if getattr(current, name) != getattr(edited, name)
        }
        if not before:
            return submission
        for name, value in _model_values(edited).items():
            setattr(submission, name, value)
        submission.possible_duplicate = duplicates_for_submission(
            submission=submission, include_submissions=True
        ).any
        submission.save()
        audit(
            actor=actor,
            subject=submission,
            action="edit",
            from_state=submission.state,
            to_state=submission.state,
            data={"previous": {k: _jsonable(v) for k, v in before.items()}},
        )
    return submission


def _jsonable(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


BULK_ACTIONS = ("claim", "reject")


def submissions_bulk(
    *, submission_ids: Iterable[int], action: str, actor: User, reason: str = ""
) -> BulkOutcome:
    """Claim or reject many submissions at once (spam floods). Each one is its own audited
    transition; those that cannot take the action are refused with the reason why."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [f"Bulk actions are {', '.join(BULK_ACTIONS)}."]})
    if not is_editor(actor):
        raise PermissionDenied("Only editors may act on submissions.")
    if action == "reject" and not reason.strip():
        raise ValidationError({"reason": ["Rejecting needs a reason."]})
    outcome = BulkOutcome()
    ids = sorted(set(submission_ids))
    existing = set(Submission.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for submission_id in ids:
        if submission_id not in existing:
            outcome.refused[submission_id] = "No such submission."
            continue
        try:
            if action == "claim":
                submission_claim(submission_id=submission_id, actor=actor)
            else:
                submission_reject(submission_id=submission_id, actor=actor, reason=reason)
        except TransitionNotAllowed as refused:
            outcome.refused[submission_id] = str(refused)
        else:
            outcome.done.append(submission_id)
    return outcome
