"""Two editors accept the same submission at the same moment: one wins, the other is told."""

import threading

import pytest
from django.db import connection

from incidents.models import Report
from incidents.models.submissions import Submission, SubmissionState
from incidents.services.submissions import SubmissionConflict, submission_accept
from registry.models import AuditEvent
from tests.factories.accounts import UserFactory
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory


def race(submission_id, editors, actions):
    barrier = threading.Barrier(len(editors))
    results: dict[str, object] = {}

    def decide(editor, action):
        try:
            barrier.wait(timeout=10)
            submission_accept(submission_id=submission_id, actor=editor, action=action)
            results[editor.username] = "won"
        except SubmissionConflict as refused:
            results[editor.username] = str(refused)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(editor, action))
        for editor, action in zip(editors, actions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def editors(db):
    return [
        UserFactory(username="edna", role="editor", password="x"),
        UserFactory(username="otto", role="editor", password="x"),
    ]


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_racing_editors_accept(editors):
    incident = IncidentFactory()
    submission = SubmissionFactory(incident_ids=[incident.pk])
    results = race(submission.pk, editors, ["accept_existing", "accept_new_incident"])
    winners = [name for name, outcome in results.items() if outcome == "won"]
    (loser,) = set(results) - set(winners)
    assert (
        len(winners),
        results[loser].startswith(
            f"Submission {submission.pk} was already accepted by {winners[0]}"
        ),
    ) == (1, True)


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_report_when_two_editors_race(editors):
    incident = IncidentFactory()
    submission = SubmissionFactory(incident_ids=[incident.pk])
    race(submission.pk, editors, ["accept_existing", "accept_existing"])
    decided = Submission.objects.get(pk=submission.pk)
    assert (
        decided.state,
        Report.objects.count(),
        AuditEvent.objects.filter(subject_id=submission.pk, to_state="accepted").count(),
    ) == (SubmissionState.ACCEPTED, 1, 1)
