import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.models import EntityRole, IncidentEntity, IncidentRedirect, ReportKind
from incidents.models.submissions import SubmissionOutcome, SubmissionState
from incidents.services.submissions import (
    SUBMISSION_TRANSITIONS,
    SubmissionConflict,
    submission_accept,
    submission_claim,
    submission_reject,
    submission_unclaim,
    submissions_bulk,
)
from registry.models import AuditEvent
from registry.workflow import TransitionNotAllowed
from tests.factories.accounts import UserFactory
from tests.factories.incidents import EntityFactory, IncidentFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(world):
    return UserFactory(username="otto", email="otto@registry.example", role="editor")


def events_of(submission):
    return list(
        AuditEvent.objects.filter(subject_type="incidents.submission", subject_id=submission.pk)
        .order_by("id")
        .values_list("action", "from_state", "to_state", "actor_label")
    )


def test_it_claims_a_new_submission_for_the_editor(world):
    submission = SubmissionFactory()
    claimed = submission_claim(submission_id=submission.pk, actor=world.editor)
    assert (claimed.state, claimed.claimed_by) == (SubmissionState.IN_REVIEW, world.editor)


def test_it_releases_a_claim(world):
    submission = SubmissionFactory()
    submission_claim(submission_id=submission.pk, actor=world.editor)
    released = submission_unclaim(submission_id=submission.pk, actor=world.editor)
    assert (released.state, released.claimed_by) == (SubmissionState.NEW, None)


@pytest.mark.parametrize("who", ["researcher", "reviewer", "chair"])
def test_it_refuses_claims_by_non_editors(world, who):
    submission = SubmissionFactory()
    with pytest.raises(PermissionDenied):
        submission_claim(submission_id=submission.pk, actor=getattr(world, who))


def test_it_tells_another_editor_who_holds_the_claim(world, second_editor):
    submission = SubmissionFactory()
    submission_claim(submission_id=submission.pk, actor=world.editor)
    with pytest.raises(SubmissionConflict, match="is claimed by edna"):
        submission_reject(submission_id=submission.pk, actor=second_editor, reason="spam")


def test_it_lets_staff_decide_a_submission_claimed_by_someone_else(world):
    submission = SubmissionFactory()
    submission_claim(submission_id=submission.pk, actor=world.editor)
    rejected = submission_reject(submission_id=submission.pk, actor=world.staff, reason="spam")
    assert rejected.state == SubmissionState.REJECTED


def test_it_requires_a_reason_to_reject(world):
    submission = SubmissionFactory()
    with pytest.raises(TransitionNotAllowed, match="'reject' needs a reason"):
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="   ")


def test_it_keeps_a_rejected_submission_with_its_reason(world):
    submission = SubmissionFactory()
    submission_reject(submission_id=submission.pk, actor=world.editor, reason="Not about AI")
    submission.refresh_from_db()
    assert (submission.state, submission.outcome, submission.decision_reason) == (
        SubmissionState.REJECTED,
        SubmissionOutcome.REJECTED,
        "Not about AI",
    )


def test_it_adds_the_report_to_existing_incidents(world):
    first, second = IncidentFactory(), IncidentFactory()
    submission = SubmissionFactory(incident_ids=[first.pk, second.pk])
    accepted = submission_accept(
        submission_id=submission.pk, actor=world.editor, action="accept_existing"
    )
    report = accepted.resulting_report
    assert (
        accepted.outcome,
        sorted(report.incidents.values_list("pk", flat=True)),
        sorted(accepted.resulting_incidents.values_list("pk", flat=True)),
        report.url,
    ) == (
        SubmissionOutcome.EXISTING_INCIDENTS,
        sorted([first.pk, second.pk]),
        sorted([first.pk, second.pk]),
        submission.url,
    )


def test_it_follows_a_merged_incident_id_when_accepting(world):
    survivor = IncidentFactory()
    IncidentRedirect.objects.create(old_id=survivor.pk + 1000, target=survivor)
    submission = SubmissionFactory()
    accepted = submission_accept(
        submission_id=submission.pk,
        actor=world.editor,
        action="accept_existing",
        incident_ids=[survivor.pk + 1000],
    )
    assert list(accepted.resulting_incidents.values_list("pk", flat=True)) == [survivor.pk]


def test_it_refuses_to_accept_into_no_incident(world):
    submission = SubmissionFactory()
    with pytest.raises(ValidationError, match="Name at least one incident"):
        submission_accept(submission_id=submission.pk, actor=world.editor, action="accept_existing")
    submission.refresh_from_db()
    assert (submission.state, events_of(submission)) == (SubmissionState.NEW, [])


def test_it_creates_a_new_incident_with_the_proposed_entities(world):
    existing = EntityFactory(slug="acme-robotics", name="Acme Robotics")
    submission = SubmissionFactory(
        incident_title="Delivery robot injures pedestrians",
        deployers=["City of Springfield"],
        developers=["Acme Robotics"],
        harmed_parties=["Pedestrians"],
    )
    accepted = submission_accept(
        submission_id=submission.pk, actor=world.editor, action="accept_new_incident"
    )
    incident = accepted.resulting_incidents.get()
    roles = sorted(
        IncidentEntity.objects.filter(incident=incident).values_list("entity__slug", "role")
    )
    assert (incident.title, roles) == (
        "Delivery robot injures pedestrians",
        sorted(
            [
                ("city-of-springfield", EntityRole.DEPLOYER),
                (existing.slug, EntityRole.DEVELOPER),
                ("pedestrians", EntityRole.HARMED),
            ]
        ),
    )


def test_it_files_an_issue_tied_to_no_incident(world):
    submission = SubmissionFactory()
    accepted = submission_accept(
        submission_id=submission.pk, actor=world.editor, action="accept_issue"
    )
    report = accepted.resulting_report
    assert (report.kind, report.incidents.count(), accepted.outcome) == (
        ReportKind.ISSUE,
        0,
        SubmissionOutcome.ISSUE,
    )


def test_it_tells_a_late_editor_that_the_submission_was_already_accepted(world, second_editor):
    submission = SubmissionFactory()
    submission_accept(submission_id=submission.pk, actor=world.editor, action="accept_issue")
    with pytest.raises(SubmissionConflict, match="was already accepted by edna"):
        submission_reject(submission_id=submission.pk, actor=second_editor, reason="dup")


def test_it_audits_each_transition_with_its_states(world):
    submission = SubmissionFactory()
    submission_claim(submission_id=submission.pk, actor=world.editor)
    submission_unclaim(submission_id=submission.pk, actor=world.editor)
    submission_reject(submission_id=submission.pk, actor=world.editor, reason="spam")
    assert events_of(submission) == [
        ("claim", "new", "in_review", "edna"),
        ("unclaim", "in_review", "new", "edna"),
        ("reject", "new", "rejected", "edna"),
    ]


def test_it_names_the_created_report_in_the_acceptance_event(world):
    submission = SubmissionFactory()
    accepted = submission_accept(
        submission_id=submission.pk, actor=world.editor, action="accept_issue"
    )
    event = AuditEvent.objects.get(subject_id=submission.pk, action="accept_issue")
    assert event.data == {"report": accepted.resulting_report.pk, "incidents": []}


def test_it_bulk_rejects_and_skips_what_it_cannot_reject(world, second_editor):
    spam = [SubmissionFactory() for _ in range(3)]
    held = SubmissionFactory()
    submission_claim(submission_id=held.pk, actor=second_editor)
    outcome = submissions_bulk(
        submission_ids=[s.pk for s in spam] + [held.pk, 999_999],
        action="reject",
        actor=world.editor,
        reason="Spam",
    )
    assert (outcome.done, sorted(outcome.refused)) == (
        sorted(s.pk for s in spam),
        sorted([held.pk, 999_999]),
    )


def test_it_bulk_claims(world):
    batch = [SubmissionFactory() for _ in range(2)]
    submissions_bulk(submission_ids=[s.pk for s in batch], action="claim", actor=world.editor)
    assert {s.state for s in batch if s.refresh_from_db() is None} == {SubmissionState.IN_REVIEW}


# --- Property: random action sequences --------------------------------------------------------

ACTIONS = sorted(SUBMISSION_TRANSITIONS.transitions)
FINAL = {SubmissionState.ACCEPTED, SubmissionState.REJECTED}


def expected_after(state, claimer, action, actor, roles):
    """The specification: what the queue should do, written independently of the table."""
    role = roles[actor]
    if role not in {"editor", "staff"}:
        return None
    may_decide = claimer in (None, actor) or role == "staff"
    if action == "claim":
        return ("in_review", actor) if state == "new" else None
    if action == "unclaim":
        return ("new", None) if state == "in_review" and may_decide else None
    if state in FINAL or not may_decide:
        return None
    return ("rejected" if action == "reject" else "accepted", claimer)


def perform(action, submission_id, actor):
    if action == "claim":
        submission_claim(submission_id=submission_id, actor=actor)
    elif action == "unclaim":
        submission_unclaim(submission_id=submission_id, actor=actor)
    elif action == "reject":
        submission_reject(submission_id=submission_id, actor=actor, reason="Out of scope")
    else:
        submission_accept(submission_id=submission_id, actor=actor, action=action)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(ACTIONS),
            st.sampled_from(["edna", "otto", "sam", "rita"]),
        ),
        max_size=10,
    )
)
def test_it_keeps_decisions_final_and_audits_every_transition(world, second_editor, steps):
    people = {
        "edna": world.editor,
        "otto": second_editor,
        "sam": world.staff,
        "rita": world.researcher,
    }
    roles = {"edna": "editor", "otto": "editor", "sam": "staff", "rita": "researcher"}
    incident = IncidentFactory()
    submission = SubmissionFactory(incident_ids=[incident.pk])
    state, claimer = "new", None
    for action, who in steps:
        expected = expected_after(state, claimer, action, who, roles)
        audited_before = len(events_of(submission))
        try:
            perform(action, submission.pk, people[who])
        except (TransitionNotAllowed, PermissionDenied):
            happened = False
        else:
            happened = True
        submission.refresh_from_db()
        events = events_of(submission)
        assert happened is (expected is not None)
        if happened:
            assert events[-1] == (action, state, submission.state, who)
            state, claimer = expected
        else:
            assert len(events) == audited_before
        assert submission.state == state
        if state in FINAL:
            assert submission.outcome != ""
