"""Reviews at a venue: a reviewer's checklist answers, completeness score and recommendation,
and the chair's decision, which always goes through the disclosure workflow's transitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from emissions.models import Disclosure, DisclosureState
from emissions.services.workflow import DECISIONS, disclosure_claim, disclosure_transition
from registry.models import User
from registry.workflow import TransitionNotAllowed, audit
from venues.models import ChecklistAnswer, Review
from venues.models.reviews import ChecklistAnswerValue, Recommendation
from venues.selectors import (
    assignment_for,
    venue_current_phase,
    venue_is_chair,
    venue_reviewer_may_review,
    venue_workflow_refusal,
)

MAX_COMMENT_CHARS = 20_000


class ReviewRefused(Exception):
    """The review cannot be written: not assigned, a conflict, or the phase is closed."""


class ReviewInputError(ValueError):
    """The review is incomplete or invalid; `errors` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class AnswerInput:
    answer: str
    justification: str = ""


def _validate(
    *,
    disclosure: Disclosure,
    completeness: object,
    recommendation: str,
    comments: str,
    answers: Mapping[str, AnswerInput],
) -> tuple[int, dict[str, AnswerInput]]:
    errors: dict[str, str] = {}
    try:
        score = int(str(completeness))
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors["completeness"] = "Score completeness from 1 (barely reported) to 5 (fully)."
    if recommendation not in Recommendation.values:
        errors["recommendation"] = "Recommend one of: " + ", ".join(Recommendation.values) + "."
    if len(comments) > MAX_COMMENT_CHARS:
        errors["comments"] = f"Keep comments under {MAX_COMMENT_CHARS} characters."
    items = {item.code: item for item in disclosure.venue.checklist_items.all()}
    clean: dict[str, AnswerInput] = {}
    for code in items:
        given = answers.get(code)
        if given is None or not given.answer:
            errors[f"answers.{code}"] = "Answer Yes, No or NA."
            continue
        answer = given.answer.strip().lower()
        if answer not in ChecklistAnswerValue.values:
            errors[f"answers.{code}"] = "Answer Yes, No or NA."
        elif answer != ChecklistAnswerValue.YES and not given.justification.strip():
            errors[f"answers.{code}"] = "A No or NA answer needs a justification."
        else:
            clean[code] = AnswerInput(answer, given.justification.strip())
    for code in set(answers) - set(items):
        errors[f"answers.{code}"] = "This venue's checklist has no such item."
    if errors:
        raise ReviewInputError(errors)
    return score, clean


@transaction.atomic
def review_submit(
    *,
    reviewer: User,
    disclosure: Disclosure,
    completeness: object,
    recommendation: str,
    comments: str = "",
    answers: Mapping[str, AnswerInput],
) -> Review:
    """Write (or revise) `reviewer`'s review of a paper they are assigned.

    Refused when they are not assigned, have since become conflicted, the venue's current
    phase is not open for reviewing, or the paper is no longer awaiting a decision.
    Side effects: one audit event ("review_submitted" or "review_revised").
    """
    assignment = assignment_for(reviewer=reviewer, disclosure=disclosure)
    if assignment is None or disclosure.venue is None:
        raise ReviewRefused("you are not assigned to review this paper")
    if not venue_reviewer_may_review(reviewer=reviewer, disclosure=disclosure):
        raise ReviewRefused("you have a conflict of interest with this paper")
    phase = venue_current_phase(venue=disclosure.venue)
    if phase is None or not phase.reviewers_may_review:
        raise ReviewRefused("the venue is not accepting reviews in its current phase")
    if disclosure.state not in (DisclosureState.SUBMITTED, DisclosureState.IN_REVIEW):
        raise ReviewRefused("the paper is not awaiting review")
    score, clean = _validate(
        disclosure=disclosure,
        completeness=completeness,
        recommendation=recommendation,
        comments=comments,
        answers=answers,
    )
    review, created = Review.objects.select_for_update().update_or_create(
        assignment=assignment,
        defaults={
            "completeness": score,
            "recommendation": recommendation,
            "comments": comments.strip(),
        },
    )
    items = {item.code: item for item in disclosure.venue.checklist_items.all()}
    for code, given in clean.items():
        ChecklistAnswer.objects.update_or_create(
            review=review,
            item=items[code],
            defaults={"answer": given.answer, "justification": given.justification},
        )
    audit(
        actor=reviewer,
        subject=disclosure,
        action="review_submitted" if created else "review_revised",
        data={
            "venue": disclosure.venue.slug,
            "completeness": score,
            "recommendation": recommendation,
            "answers": {code: a.answer for code, a in clean.items()},
        },
    )
    return review


@transaction.atomic
def review_decide(*, actor: User, disclosure: Disclosure, decision: str, reason: str) -> Disclosure:
    """The venue chair's decision on a paper, made through the disclosure workflow.

    A paper still in the open queue (submitted) is first claimed by the chair, then decided;
    both are workflow transitions with their own audit events, in one transaction. Raises
    TransitionNotAllowed when the workflow refuses (conflict, missing reason, wrong state).
    """
    if decision not in DECISIONS:
        raise TransitionNotAllowed(
            f"unknown decision '{decision}'; decisions: {', '.join(DECISIONS)}",
            allowed=DECISIONS,
        )
    venue = disclosure.venue
    if venue is None or not venue_is_chair(user=actor, venue=venue):
        raise TransitionNotAllowed("only the venue's chairs decide on its papers")
    refusal = venue_workflow_refusal(actor=actor, disclosure=disclosure)
    if refusal is not None:
        raise TransitionNotAllowed(refusal)
    if not reason.strip():
        raise TransitionNotAllowed(f"'{decision}' needs a reason")
    if disclosure.state == DisclosureState.SUBMITTED:
        disclosure_claim(disclosure_id=disclosure.pk, actor=actor, reason="chair decision")
    return disclosure_transition(
        action=decision, disclosure_id=disclosure.pk, actor=actor, reason=reason
    )
