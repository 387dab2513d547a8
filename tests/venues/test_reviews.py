from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from emissions.services.recomputation import catalog_version_current
from registry.models import AuditEvent
from registry.workflow import TransitionNotAllowed
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory, ReviewAssignmentFactory
from venues.models import ChecklistAnswer
from venues.services.reviews import (
    AnswerInput,
    ReviewInputError,
    ReviewRefused,
    review_decide,
    review_submit,
)
from venues.services.venues import DEFAULT_CHECKLIST, venue_create

ANSWERS = {
    "neurips-8": AnswerInput("yes", "Table 3."),
    "acl-c1": AnswerInput("no", "No GPU-hour total is given."),
}


@pytest.fixture
def assigned(venue, world):  # noqa: ANN001, ANN201
    disclosure = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="1", state="submitted"
    )
    ReviewAssignmentFactory(disclosure=disclosure, reviewer=world.reviewer)
    return disclosure


def test_new_venues_ask_the_neurips_and_acl_compute_items_word_for_word(world) -> None:  # noqa: ANN001
    venue = venue_create(actor=world.chair, slug="acl-2026", name="ACL 2026")
    items = list(venue.checklist_items.values_list("code", "question"))
    assert items == [(i.code, i.question) for i in DEFAULT_CHECKLIST]
    assert items[0][1] == (
        "For each experiment, does the paper provide sufficient information on the computer "
        "resources (type of compute workers, memory, time of execution) needed to reproduce "
        "the experiments?"
    )
    assert items[1][1] == (
        "Did you report the number of parameters in the models used, the total computational "
        "budget (e.g., GPU hours), and computing infrastructure used?"
    )
    assert list(venue.chairs.all()) == [world.chair]


def test_it_records_a_review_with_its_checklist_answers(assigned, world) -> None:  # noqa: ANN001
    review = review_submit(
        reviewer=world.reviewer,
        disclosure=assigned,
        completeness=3,
        recommendation="request_changes",
        comments="Add the GPU-hour total.",
        answers=ANSWERS,
    )
    assert (review.completeness, review.recommendation) == (3, "request_changes")
    assert sorted(ChecklistAnswer.objects.values_list("item__code", "answer")) == [
        ("acl-c1", "no"),
        ("neurips-8", "yes"),
    ]
    assert AuditEvent.objects.filter(action="review_submitted", subject_id=assigned.pk).count() == 1


def test_it_requires_a_justification_for_no_and_na(assigned, world) -> None:  # noqa: ANN001
    with pytest.raises(ReviewInputError) as caught:
        review_submit(
            reviewer=world.reviewer,
            disclosure=assigned,
            completeness=3,
            recommendation="verify",
            answers={"neurips-8": AnswerInput("na"), "acl-c1": AnswerInput("yes")},
        )
    assert caught.value.errors == {"answers.neurips-8": "A No or NA answer needs a justification."}


def test_it_refuses_a_review_from_someone_not_assigned(assigned, world) -> None:  # noqa: ANN001
    with pytest.raises(ReviewRefused, match="not assigned"):
        review_submit(
            reviewer=world.conflicted_reviewer,
            disclosure=assigned,
            completeness=3,
            recommendation="verify",
            answers=ANSWERS,
        )


def test_it_refuses_reviews_when_the_phase_closes_reviewing(assigned, world, venue) -> None:  # noqa: ANN001
    venue.phases.create(name="Decisions", starts_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ReviewRefused, match="not accepting reviews"):
        review_submit(
            reviewer=world.reviewer,
            disclosure=assigned,
            completeness=3,
            recommendation="verify",
            answers=ANSWERS,
        )


def test_the_chair_verifies_through_the_workflow(assigned, world) -> None:  # noqa: ANN001
    RecomputationFactory(
        disclosure=assigned, verdict="consistent", catalog_version=catalog_version_current()
    )
    decided = review_decide(
        actor=world.chair, disclosure=assigned, decision="verify", reason="Reviews agree."
    )
    assert decided.state == "verified"
    events = AuditEvent.objects.filter(subject_id=assigned.pk).order_by("id")
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("claim", "submitted", "in_review"),
        ("verify", "in_review", "verified"),
    ]


def test_only_the_venues_chairs_decide(assigned, world) -> None:  # noqa: ANN001
    with pytest.raises(TransitionNotAllowed, match="only the venue's chairs"):
        review_decide(actor=world.reviewer, disclosure=assigned, decision="reject", reason="x")
