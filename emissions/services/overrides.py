"""Accepting a disclosure despite its recomputation: one person overrides, another confirms.

A lone override publishes nothing: the disclosure waits in `override_pending` until a chair
of its venue or an editor (never the person who recorded it) confirms, which verifies it, or
declines, which returns it to review. Each is a transition of the disclosure table, so the
verdict rule and the audit trail are the workflow's own.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from emissions import notifications
from emissions.models import Disclosure, OverrideOutcome, VerificationOverride
from emissions.selectors import disclosure_pending_override
from emissions.services.verdict_rule import decision_evidence
from emissions.services.workflow import DISCLOSURE_WORKFLOW
from registry.models import User
from registry.workflow import TransitionNotAllowed, apply_transition


def _pending(record: Disclosure) -> VerificationOverride:
    override = disclosure_pending_override(record)
    if override is None:  # the state says there is one; a missing row is a broken invariant
        raise TransitionNotAllowed("there is no override awaiting confirmation")
    return override


def disclosure_override(*, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    """Record "accept despite the verdict" with its reason; nothing is published yet.

    Side effects: one VerificationOverride row (pending), in the transition's transaction.
    """

    def record_override(record: Disclosure) -> list[str]:
        recomputation = decision_evidence(record).recomputation
        assert recomputation is not None  # the table's verdict rule refused otherwise
        VerificationOverride.objects.create(
            disclosure=record,
            recomputation=recomputation,
            verdict=recomputation.verdict,
            reason=reason.strip(),
            requested_by=actor,
        )
        return []

    return apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="override",
        actor=actor,
        reason=reason,
        updates=record_override,
    )


def disclosure_confirm_override(*, disclosure_id: int, actor: User, reason: str = "") -> Disclosure:
    """The second person confirms: the disclosure is verified against the overridden verdict.

    Side effects on commit: the decision email to the researcher.
    """
    reasons: list[str] = []

    def confirm(record: Disclosure) -> list[str]:
        override = _pending(record)
        override.outcome = OverrideOutcome.CONFIRMED
        override.answered_by = actor
        override.answered_at = timezone.now()
        override.answer_reason = reason.strip()
        override.save(update_fields=["outcome", "answered_by", "answered_at", "answer_reason"])
        reasons.append(override.reason)
        record.decision_recomputation_id = override.recomputation_id
        record.decided_at = override.answered_at
        return ["decision_recomputation", "decided_at"]

    disclosure = apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="confirm_override",
        actor=actor,
        reason=reason,
        updates=confirm,
    )
    transaction.on_commit(
        lambda: notifications.notify_decision(
            disclosure_id=disclosure.pk, action="verify", reason=f"Override: {reasons[0]}"
        ),
        robust=True,
    )
    return disclosure


def disclosure_decline_override(*, disclosure_id: int, actor: User, reason: str) -> Disclosure:
    """The second person declines: the disclosure goes back to its reviewer, unverified."""

    def decline(record: Disclosure) -> list[str]:
        override = _pending(record)
        override.outcome = OverrideOutcome.DECLINED
        override.answered_by = actor
        override.answered_at = timezone.now()
        override.answer_reason = reason.strip()
        override.save(update_fields=["outcome", "answered_by", "answered_at", "answer_reason"])
        return []

    return apply_transition(
        table=DISCLOSURE_WORKFLOW,
        model=Disclosure,
        pk=disclosure_id,
        action="decline_override",
        actor=actor,
        reason=reason,
        updates=decline,
    )


OVERRIDE_ACTIONS = {
    "override": disclosure_override,
    "confirm_override": disclosure_confirm_override,
    "decline_override": disclosure_decline_override,
}
