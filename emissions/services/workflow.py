"""The disclosure workflow: one transition table, one function per action.

Every action goes through `registry.workflow.apply_transition` (row lock, table and actor
check, state + audit event in one transaction). Side effects (recomputation, email) are
scheduled with `transaction.on_commit` (robust: a failing email is logged, not raised), so a
rolled-back action sends nothing.

    action           from                                 to                 who
    submit           draft, changes_requested             submitted          owner
    withdraw         draft, submitted, in_review,         withdrawn          owner
                     changes_requested, override_pending
    claim            submitted                            in_review          reviewer, no conflict
    assign           submitted, in_review                 in_review          chair, no conflict
    release          in_review                            submitted          assigned rev. / chair
    request_changes  in_review                            changes_requested  assigned rev. / chair *
    verify           in_review                            verified           assigned rev./chair *V
    reject           in_review                            rejected           assigned rev./chair *
    override         in_review                            override_pending   assigned rev./chair *V
    confirm_override override_pending                     verified           venue chair/editor V
    decline_override override_pending                     in_review          venue chair/editor *

    * a reason is required. V: the verdict rule (`verdict_rule`) must agree: verify needs a
    fresh recomputation (current version and catalog) that is consistent or a minor
    discrepancy; anything worse needs an override, which publishes nothing until a second
    person (never the one who recorded it) confirms it.
    "Reviewer" includes chairs and staff; nobody reviews their own or a conflicted disclosure.
    A venue's paper adds one rule to claim .. reject (`venues.selectors.venue_workflow_refusal`,
    registered through `emissions.services.venue_rule`): the venue's chair while its phase
    allows decisions, or a reviewer the venue assigned to the paper.

Verified, rejected and withdrawn are final; a verified disclosure changes only by amendment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from emissions import notifications
from emissions.models import Disclosure, DisclosureComment, DisclosureState, OverrideOutcome
from emissions.selectors import (
    disclosures_for_reviewer,
    disclosures_free_of_conflict_for,
)
from emissions.services.disclosures import disclosure_submission_errors
from emissions.services.recompute_queue import disclosure_recompute_enqueue
from emissions.services.venue_rule import venue_refusal
from emissions.services.verdict_rule import (
    confirm_override_refusal,
    decision_evidence,
    override_refusal,
    verify_refusal,
)
from registry.models import Role, User
from registry.workflow import (
    BulkOutcome,
    Transition,
    TransitionNotAllowed,
    TransitionTable,
    apply_transition,
)

S = DisclosureState


def _is_owner(actor: User | None, disclosure: Disclosure) -> bool:
    return actor is not None and actor.is_authenticated and actor.pk == disclosure.owner_id


def _may_review(actor: User | None, disclosure: Disclosure) -> bool:
    """A reviewer (chairs and staff included) with no conflict of interest on it."""
    return (
        actor is not None
        and actor.is_authenticated
        and disclosures_for_reviewer(actor).filter(pk=disclosure.pk).exists()
    )


def _venue_allows(actor: User | None, disclosure: Disclosure) -> bool:
    """A venue's paper: its chair in a deciding phase, or a reviewer the venue assigned."""
    return venue_refusal(actor=actor, disclosure=disclosure) is None


def _claims(actor: User | None, disclosure: Disclosure) -> bool:
    return _may_review(actor, disclosure) and _venue_allows(actor, disclosure)


def _is_chair(actor: User | None, disclosure: Disclosure) -> bool:
    return (
        actor is not None
        and actor.has_role(Role.CHAIR)
        and _may_review(actor, disclosure)
        and _venue_allows(actor, disclosure)
    )


def _decides(actor: User | None, disclosure: Disclosure) -> bool:
    """The reviewer it is assigned to, or a chair; never someone with a conflict."""
    if actor is None or not _may_review(actor, disclosure):
        return False
    return (
        disclosure.assigned_reviewer_id == actor.pk or actor.has_role(Role.CHAIR)
    ) and _venue_allows(actor, disclosure)


def _confirms_override(actor: User | None, disclosure: Disclosure) -> bool:
    """The second pair of eyes: an editor, or a chair of the disclosure's venue (any chair
    when it has none); never someone with a conflict on it."""
    if actor is None or not actor.is_authenticated:
        return False
    if not disclosures_free_of_conflict_for(actor).filter(pk=disclosure.pk).exists():
        return False
    if actor.role == Role.EDITOR or actor.has_role(Role.STAFF):
        return True
    if not actor.has_role(Role.CHAIR):
        return False
    return disclosure.venue_id is None or disclosure.venue.chairs.filter(pk=actor.pk).exists()


DISCLOSURE_WORKFLOW = TransitionTable.of(
    "disclosure",
    Transition(
        "submit",
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        S.SUBMITTED,
        _is_owner,
        label="Submit for review",
    ),
    Transition(
        "withdraw",
        frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.OVERRIDE_PENDING}),
        S.WITHDRAWN,
        _is_owner,
        label="Withdraw",
    ),
    Transition("claim", frozenset({S.SUBMITTED}), S.IN_REVIEW, _claims, label="Take it"),
    Transition(
        "assign",
        frozenset({S.SUBMITTED, S.IN_REVIEW}),
        S.IN_REVIEW,
        _is_chair,
        label="Assign to a reviewer",
    ),
    Transition("release", frozenset({S.IN_REVIEW}), S.SUBMITTED, _decides, label="Release"),
    Transition(
        "request_changes",
        frozenset({S.IN_REVIEW}),
        S.CHANGES_REQUESTED,
        _decides,
        reason_required=True,
        label="Request changes",
    ),
    Transition(
        "verify",
        frozenset({S.IN_REVIEW}),
        S.VERIFIED,
        _decides,
        reason_required=True,
        label="Verify",
        refusal=verify_refusal,
    ),
    Transition(
        "reject",
        frozenset({S.IN_REVIEW}),
        S.REJECTED,
        _decides,
        reason_required=True,
        label="Reject",
    ),
    Transition(
        "override",
        frozenset({S.IN_REVIEW}),
        S.OVERRIDE_PENDING,
        _decides,
        reason_required=True,
        label="Accept despite the verdict (override)",
        refusal=override_refusal,
    ),
    Transition(
        "confirm_override",
        frozenset({S.OVERRIDE_PENDING}),
        S.VERIFIED,
        _confirms_override,
        label="Confirm the override",
        refusal=confirm_override_refusal,
    ),
    Transition(
        "decline_override",
        frozenset({S.OVERRIDE_PENDING}),
        S.IN_REVIEW,
        _confirms_override,
        reason_required=True,
        label="Decline the override",
    ),
)

DECISIONS = ("request_changes", "verify", "reject")
BULK_ACTIONS = ("assign", "release", *DECISIONS)


def disclosure_actions_for(actor: User | None, disclosure: Disclosure) -> list[str]:
    """The actions `actor` may take on `disclosure` now (buttons to show)."""
    return DISCLOSURE_WORKFLOW.available_to(actor, disclosure, disclosure.state)


def action_permitted(action: str, *, actor: User | None, disclosure: Disclosure) -> bool:
    """Whether the table lets `actor` perform `action` on this disclosure in any state."""
    transition = DISCLOSURE_WORKFLOW.transitions.get(action)
    return transition is not None and transition.permitted(actor, disclosure)


def disclosure_submit(*, disclosure_id: int, actor: User, reason: str = "") -> Disclosure:
    """Send a draft (or a revised one) to review.

    Refused with ValidationError when something needed for review is missing. Side effects
    on commit: the recomputation task; an email to the previous reviewer of a revision.
    """

    def complete(record: Disclosure) -> list[str]:
        errors = disclosure_submission_errors(record)
        if errors:
            raise ValidationError(errors)
        record.submitted_at = timezone.now()
        # A new input: the sweep's clock for its recomputation starts again.
        record.recompute_queued_at = record.recompute_started_at = None
        return ["submitted_at", "recompute_queued_at", "recompute_started_at"]

    disclosure = apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="submit",
        actor=actor,
        reason=reason,
        updates=complete,
    )
    transaction.on_commit(lambda: disclosure_recompute_enqueue(disclosure_id=disclosure.pk))
    if disclosure.assigned_reviewer_id is not None:
        reviewer_id = disclosure.assigned_reviewer_id
        transaction.on_commit(
            lambda: notifications.notify_resubmitted(
                disclosure_id=disclosure.pk, reviewer_id=reviewer_id
            ),
            robust=True,
        )
    return disclosure


def disclosure_withdraw(*, disclosure_id: int, actor: User, reason: str = "") -> Disclosure:
    """The researcher takes a disclosure back before any decision (an override awaiting
    confirmation is withdrawn with it). No side effects."""

    def drop_override(record: Disclosure) -> list[str]:
        record.overrides.filter(outcome=OverrideOutcome.PENDING).update(
            outcome=OverrideOutcome.WITHDRAWN
        )
        return []

    return apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="withdraw",
        actor=actor,
        reason=reason,
        updates=drop_override,
    )


def disclosure_claim(*, disclosure_id: int, actor: User, reason: str = "") -> Disclosure:
    """A reviewer without a conflict assigns the disclosure to themselves."""

    def assign_self(record: Disclosure) -> list[str]:
        record.assigned_reviewer = actor
        return ["assigned_reviewer"]

    return apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="claim",
        actor=actor,
        reason=reason,
        updates=assign_self,
    )


def disclosure_assign(
    *, disclosure_id: int, actor: User, reviewer: User, reason: str = ""
) -> Disclosure:
    """A chair assigns (or reassigns) a reviewer, who must be free of conflicts on it.

    Side effects on commit: an email to the reviewer.
    """

    def assign(record: Disclosure) -> list[str]:
        if not reviewer.has_role(Role.REVIEWER) or not _may_review(reviewer, record):
            raise TransitionNotAllowed(
                f"{reviewer.get_username()} cannot review this disclosure "
                "(not a reviewer, its author, or a conflict of interest)"
            )
        if not _venue_allows(reviewer, record):
            # A venue's paper goes to the reviewers the venue assigned (emissions.assignment).
            raise TransitionNotAllowed(
                f"{reviewer.get_username()} is not assigned to this paper by its venue"
            )
        record.assigned_reviewer = reviewer
        return ["assigned_reviewer"]

    disclosure = apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="assign",
        actor=actor,
        reason=reason,
        updates=assign,
        data={"reviewer": reviewer.get_username()},
    )
    transaction.on_commit(
        lambda: notifications.notify_assigned(disclosure_id=disclosure.pk, reviewer_id=reviewer.pk),
        robust=True,
    )
    return disclosure


def disclosure_release(*, disclosure_id: int, actor: User, reason: str = "") -> Disclosure:
    """The assigned reviewer (or a chair) puts the disclosure back in the open queue."""

    def unassign(record: Disclosure) -> list[str]:
        record.assigned_reviewer = None
        return ["assigned_reviewer"]

    return apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="release",
        actor=actor,
        reason=reason,
        updates=unassign,
    )


def _decide(*, action: str, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    def record_decision(record: Disclosure) -> list[str]:
        if action == "verify":
            # The table's verdict rule let it through: this is the recomputation it rests on.
            record.decision_recomputation = decision_evidence(record).recomputation
            record.decided_at = timezone.now()
            return ["decided_at", "decision_recomputation"]
        if action == "reject":
            record.decided_at = timezone.now()
            return ["decided_at"]
        if action == "request_changes":
            # The request is part of the review conversation, not only of the audit trail.
            DisclosureComment.objects.create(
                disclosure=record, author=actor, body=f"Changes requested: {reason.strip()}"
            )
        return []

    disclosure = apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action=action,
        actor=actor,
        reason=reason,
        updates=record_decision,
    )
    transaction.on_commit(
        lambda: notifications.notify_decision(
            disclosure_id=disclosure.pk, action=action, reason=reason
        ),
        robust=True,
    )
    return disclosure


def disclosure_request_changes(*, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    """Return the disclosure to its researcher. Side effects on commit: an email to them."""
    return _decide(
        action="request_changes", disclosure_id=disclosure_id, actor=actor, reason=reason
    )


def disclosure_verify(*, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    """Give the verified mark; refused until the current version has been recomputed.

    The row is frozen from then on (database trigger). Side effects on commit: an email.
    """
    return _decide(action="verify", disclosure_id=disclosure_id, actor=actor, reason=reason)


def disclosure_reject(*, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    """Refuse the disclosure for good. Side effects on commit: an email to the researcher."""
    return _decide(action="reject", disclosure_id=disclosure_id, actor=actor, reason=reason)


def disclosure_transition(
    *, action: str, disclosure_id: int, actor: User, reason: str = "", **extra: Any
) -> Disclosure:
    """Dispatch an action by name (for the API, the pages and bulk actions)."""
    # The override services build on this module's table, so they are looked up late.
    from emissions.services.overrides import OVERRIDE_ACTIONS

    actions = {**ACTIONS, **OVERRIDE_ACTIONS}
    if action not in actions:
        raise TransitionNotAllowed(
            f"unknown action '{action}'; actions: {', '.join(sorted(actions))}",
            allowed=sorted(actions),
        )
    return actions[action](disclosure_id=disclosure_id, actor=actor, reason=reason, **extra)


ACTIONS = {
    "submit": disclosure_submit,
    "withdraw": disclosure_withdraw,
    "claim": disclosure_claim,
    "assign": disclosure_assign,
    "release": disclosure_release,
    "request_changes": disclosure_request_changes,
    "verify": disclosure_verify,
    "reject": disclosure_reject,
}


def disclosures_bulk_transition(
    *,
    action: str,
    disclosure_ids: Iterable[int],
    actor: User,
    reason: str = "",
    reviewer: User | None = None,
) -> BulkOutcome:
    """A chair applies one action to many disclosures, each in its own transaction.

    One refusal does not undo the others; the outcome lists what was done and why the rest
    was refused. Only chairs may act in bulk.
    """
    outcome = BulkOutcome()
    ids = list(dict.fromkeys(disclosure_ids))
    if not actor.has_role(Role.CHAIR) or action not in BULK_ACTIONS:
        message = (
            "only chairs act in bulk"
            if not actor.has_role(Role.CHAIR)
            else f"bulk actions: {', '.join(BULK_ACTIONS)}"
        )
        outcome.refused = dict.fromkeys(ids, message)
        return outcome
    extra: dict[str, Any] = {"reviewer": reviewer} if action == "assign" else {}
    if action == "assign" and reviewer is None:
        outcome.refused = dict.fromkeys(ids, "choose the reviewer to assign")
        return outcome
    reviewable = set(
        disclosures_for_reviewer(actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for disclosure_id in ids:
        if disclosure_id not in reviewable:
            # Conflicted or unknown ids read the same, so bulk answers leak no existence.
            outcome.refused[disclosure_id] = "no such disclosure in your queue"
            continue
        try:
            disclosure_transition(
                action=action, disclosure_id=disclosure_id, actor=actor, reason=reason, **extra
            )
        except (TransitionNotAllowed, ValidationError, Disclosure.DoesNotExist) as error:
            outcome.refused[disclosure_id] = _message(error)
        else:
            outcome.done.append(disclosure_id)
    return outcome


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, Disclosure.DoesNotExist):
        return "no such disclosure"
    return str(error)
