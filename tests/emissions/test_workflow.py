import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from emissions.models import Disclosure, ReviewConflict
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import (
    DISCLOSURE_WORKFLOW,
    disclosure_actions_for,
    disclosure_assign,
    disclosure_claim,
    disclosure_release,
    disclosure_submit,
    disclosure_transition,
    disclosure_verify,
    disclosures_bulk_transition,
)
from registry.models import AuditEvent
from registry.workflow import TransitionNotAllowed
from tests.emissions.conftest import make_disclosure
from tests.factories.accounts import UserFactory


def events(disclosure, action=None):
    qs = AuditEvent.objects.filter(subject_type="emissions.disclosure", subject_id=disclosure.pk)
    return qs.filter(action=action) if action else qs


def test_it_has_exactly_the_documented_transition_table():
    table = {
        action: (sorted(t.sources), t.target, t.reason_required)
        for action, t in DISCLOSURE_WORKFLOW.transitions.items()
    }
    assert table == {
        "submit": (["changes_requested", "draft"], "submitted", False),
        "withdraw": (
            ["changes_requested", "draft", "in_review", "override_pending", "submitted"],
            "withdrawn",
            False,
        ),
        "claim": (["submitted"], "in_review", False),
        "assign": (["in_review", "submitted"], "in_review", False),
        "release": (["in_review"], "submitted", False),
        "request_changes": (["in_review"], "changes_requested", True),
        "verify": (["in_review"], "verified", True),
        "reject": (["in_review"], "rejected", True),
        "override": (["in_review"], "override_pending", True),
        "confirm_override": (["override_pending"], "verified", False),
        "decline_override": (["override_pending"], "in_review", True),
    }


def test_it_submits_a_draft_and_records_who_and_when(world, draft):
    disclosure = disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    event = events(draft, "submit").get()
    assert (disclosure.state, disclosure.submitted_at is not None) == ("submitted", True)
    assert (event.actor_label, event.from_state, event.to_state) == ("rita", "draft", "submitted")


def test_it_refuses_to_submit_without_a_claim(world):
    draft = make_disclosure(world, "draft", claim_tco2e=None)
    with pytest.raises(ValidationError) as error:
        disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    assert error.value.message_dict == {
        "claim_tco2e": ["State the emissions you claim, in tonnes CO2e."]
    }
    draft.refresh_from_db()
    assert (draft.state, events(draft, "submit").count()) == ("draft", 0)


def test_it_refuses_to_submit_without_the_preliminary_experiments_answer(world):
    draft = make_disclosure(world, "draft", includes_preliminary_experiments=None)
    with pytest.raises(ValidationError, match="preliminary and failed experiments"):
        disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)


def test_it_refuses_someone_elses_submit_naming_the_allowed_actions(world, draft):
    with pytest.raises(TransitionNotAllowed, match="you may not 'submit'") as error:
        disclosure_submit(disclosure_id=draft.pk, actor=world.other_researcher)
    assert error.value.allowed == []


def test_it_refuses_an_action_not_in_the_table_naming_the_allowed_ones(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(TransitionNotAllowed) as error:
        disclosure_transition(
            action="verify", disclosure_id=submitted.pk, actor=world.reviewer, reason="ok"
        )
    assert str(error.value) == "'verify' is not allowed from 'submitted'; allowed: claim"
    assert error.value.allowed == ["claim"]


def test_it_lets_a_reviewer_claim_a_submission(world):
    submitted = make_disclosure(world, "submitted")
    disclosure = disclosure_claim(disclosure_id=submitted.pk, actor=world.reviewer)
    assert (disclosure.state, disclosure.assigned_reviewer) == ("in_review", world.reviewer)


def test_it_refuses_a_claim_by_a_reviewer_from_the_same_organisation(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(TransitionNotAllowed, match="you may not 'claim'"):
        disclosure_claim(disclosure_id=submitted.pk, actor=world.conflicted_reviewer)


def test_it_refuses_a_claim_by_a_reviewer_who_declared_a_conflict(world):
    submitted = make_disclosure(world, "submitted")
    ReviewConflict.objects.create(disclosure=submitted, reviewer=world.reviewer, reason="co-author")
    with pytest.raises(TransitionNotAllowed):
        disclosure_claim(disclosure_id=submitted.pk, actor=world.reviewer)


def test_it_refuses_a_claim_by_a_researcher(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(TransitionNotAllowed):
        disclosure_claim(disclosure_id=submitted.pk, actor=world.other_researcher)


def test_it_requires_a_reason_to_verify(world):
    in_review = make_disclosure(world, "in_review")
    with pytest.raises(TransitionNotAllowed, match="'verify' needs a reason"):
        disclosure_verify(disclosure_id=in_review.pk, actor=world.reviewer, reason="  ")


def test_it_refuses_to_verify_before_the_recomputation(world, draft):
    disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    disclosure_claim(disclosure_id=draft.pk, actor=world.reviewer)
    with pytest.raises(TransitionNotAllowed, match="has not recomputed this version yet"):
        disclosure_verify(disclosure_id=draft.pk, actor=world.reviewer, reason="fine")
    draft.refresh_from_db()
    assert draft.state == "in_review"


def test_it_lets_only_the_assigned_reviewer_or_a_chair_decide(world):
    in_review = make_disclosure(world, "in_review")
    other_reviewer = UserFactory(username="otto", email="otto@inst-d.example", role="reviewer")
    with pytest.raises(TransitionNotAllowed, match="you may not 'verify'"):
        disclosure_verify(disclosure_id=in_review.pk, actor=other_reviewer, reason="fine")
    verified = disclosure_verify(disclosure_id=in_review.pk, actor=world.chair, reason="fine")
    assert verified.state == "verified"


def test_it_mails_the_researcher_the_decision_and_reason_on_commit(
    world, django_capture_on_commit_callbacks
):
    in_review = make_disclosure(world, "in_review")
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_transition(
            action="request_changes",
            disclosure_id=in_review.pk,
            actor=world.reviewer,
            reason="Which PUE did you use?",
        )
    assert [(m.to, "Which PUE did you use?" in m.body) for m in mail.outbox] == [
        (["rita@uni-a.example"], True)
    ]


def test_it_sends_nothing_when_the_decision_is_refused(world, django_capture_on_commit_callbacks):
    submitted = make_disclosure(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        disclosure_transition(
            action="reject", disclosure_id=submitted.pk, actor=world.reviewer, reason="no"
        )
    assert mail.outbox == []


def test_it_enqueues_the_recomputation_when_submitted(
    world, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    assert draft.recomputations.count() == 1


def test_it_lets_a_chair_assign_a_reviewer_and_mails_them(
    world, django_capture_on_commit_callbacks
):
    submitted = make_disclosure(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        disclosure = disclosure_assign(
            disclosure_id=submitted.pk, actor=world.chair, reviewer=world.reviewer
        )
    assert (disclosure.state, disclosure.assigned_reviewer) == ("in_review", world.reviewer)
    assert [m.to for m in mail.outbox] == [["vera@inst-c.example"]]
    assert events(submitted, "assign").get().data == {"reviewer": "vera"}


def test_it_refuses_to_assign_a_conflicted_reviewer(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(TransitionNotAllowed, match="carl cannot review this disclosure"):
        disclosure_assign(
            disclosure_id=submitted.pk, actor=world.chair, reviewer=world.conflicted_reviewer
        )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.assigned_reviewer) == ("submitted", None)


def test_it_refuses_assignment_by_a_plain_reviewer(world):
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(TransitionNotAllowed, match="you may not 'assign'"):
        disclosure_assign(disclosure_id=submitted.pk, actor=world.reviewer, reviewer=world.reviewer)


def test_it_returns_a_released_disclosure_to_the_open_queue(world):
    in_review = make_disclosure(world, "in_review")
    disclosure = disclosure_release(disclosure_id=in_review.pk, actor=world.reviewer)
    assert (disclosure.state, disclosure.assigned_reviewer) == ("submitted", None)


def test_it_lets_the_researcher_resubmit_after_changes(world):
    returned = make_disclosure(world, "changes_requested")
    disclosure = disclosure_submit(disclosure_id=returned.pk, actor=world.researcher)
    assert disclosure.state == "submitted"


def test_it_lets_the_researcher_withdraw_before_a_decision(world):
    in_review = make_disclosure(world, "in_review")
    disclosure = disclosure_transition(
        action="withdraw", disclosure_id=in_review.pk, actor=world.researcher, reason="wrong run"
    )
    assert disclosure.state == "withdrawn"


@pytest.mark.parametrize("final", ["verified", "rejected", "withdrawn"])
def test_it_offers_no_action_on_a_final_disclosure(world, final):
    disclosure = make_disclosure(world, final)
    assert [
        disclosure_actions_for(actor, disclosure)
        for actor in (world.researcher, world.reviewer, world.chair, world.staff)
    ] == [[], [], [], []]


def test_it_freezes_a_verified_disclosure_at_the_database(world):
    verified = make_disclosure(world, "verified")
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        Disclosure.objects.filter(pk=verified.pk).update(claim_tco2e=1.0)


def test_it_refuses_to_delete_a_verified_disclosure_at_the_database(world):
    verified = make_disclosure(world, "verified")
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        Disclosure.objects.filter(pk=verified.pk).delete()


def test_it_rejects_a_state_outside_the_enum_at_the_database(world, draft):
    with pytest.raises(DatabaseError, match="disclosure_state_valid"), transaction.atomic():
        Disclosure.objects.filter(pk=draft.pk).update(state="approved")


def test_it_lists_the_actions_each_person_may_take(world):
    submitted = make_disclosure(world, "submitted")
    assert {
        name: disclosure_actions_for(getattr(world, name), submitted)
        for name in ("researcher", "other_researcher", "reviewer", "conflicted_reviewer", "chair")
    } == {
        "researcher": ["withdraw"],
        "other_researcher": [],
        "reviewer": ["claim"],
        "conflicted_reviewer": [],
        "chair": ["assign", "claim"],
    }


def test_it_applies_a_chairs_bulk_decision_and_reports_refusals(world):
    first = make_disclosure(world, "in_review")
    second = make_disclosure(world, "in_review")
    draft = make_disclosure(world, "draft")
    outcome = disclosures_bulk_transition(
        action="reject",
        disclosure_ids=[first.pk, second.pk, draft.pk],
        actor=world.chair,
        reason="Out of scope",
    )
    assert (outcome.done, outcome.refused) == (
        [first.pk, second.pk],
        {draft.pk: "no such disclosure in your queue"},
    )


def test_it_refuses_bulk_actions_by_a_reviewer(world):
    in_review = make_disclosure(world, "in_review")
    outcome = disclosures_bulk_transition(
        action="reject", disclosure_ids=[in_review.pk], actor=world.reviewer, reason="no"
    )
    assert (outcome.done, outcome.refused) == ([], {in_review.pk: "only chairs act in bulk"})


def test_it_keeps_one_recomputation_when_recomputed_twice(world):
    submitted = make_disclosure(world, "submitted")
    first = disclosure_recompute(disclosure_id=submitted.pk)
    second = disclosure_recompute(disclosure_id=submitted.pk)
    assert (first.pk, submitted.recomputations.count()) == (second.pk, 1)
