import pytest
from django.core import mail

from incidents.services.submissions import submission_accept, submission_claim, submission_reject
from registry.cache import bump_data_version
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_it_emails_the_submitter_when_accepted(world, django_capture_on_commit_callbacks):
    incident = IncidentFactory()
    submission = SubmissionFactory(submitter_email="ann@example.net", incident_ids=[incident.pk])
    with django_capture_on_commit_callbacks(execute=True):
        submission_accept(submission_id=submission.pk, actor=world.editor, action="accept_existing")
    (message,) = mail.outbox
    assert (
        message.to,
        message.subject,
        f"Incident {incident.pk}: http://127.0.0.1:8000/incidents/{incident.pk}/" in message.body,
    ) == (
        ["ann@example.net"],
        f"[AI Incident & Emissions Registry] Your submission {submission.pk} was accepted",
        True,
    )


def test_it_emails_the_reason_when_rejected(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(submitter_email="ann@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="Not AI.")
    assert "The editor's reason: Not AI." in mail.outbox[0].body


def test_it_includes_the_private_status_link(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(submitter_email="ann@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="Not AI.")
    assert f"http://127.0.0.1:8000/submit/status/{submission.token}/" in mail.outbox[0].body


def test_it_sends_nothing_without_an_address(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(submitter_email="")
    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="Not AI.")
    assert mail.outbox == []


def test_it_sends_nothing_for_a_claim(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(submitter_email="ann@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        submission_claim(submission_id=submission.pk, actor=world.editor)
    assert mail.outbox == []


def test_it_sends_only_after_the_decision_commits(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(submitter_email="ann@example.net")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="Not AI.")
    # The other callback is the data version's bump (registry/cache.py).
    mails = [callback for callback in callbacks if callback is not bump_data_version]
    assert (len(mails), mail.outbox) == (1, [])


def test_it_keeps_user_text_out_of_the_subject(world, django_capture_on_commit_callbacks):
    submission = SubmissionFactory(
        submitter_email="ann@example.net", title="Evil\r\nBcc: victim@example.org title"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission_id=submission.pk, actor=world.editor, reason="Spam")
    assert "Bcc" not in mail.outbox[0].subject
