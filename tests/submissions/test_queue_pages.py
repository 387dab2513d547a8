import datetime

import pytest

from incidents.models.submissions import Submission, SubmissionState
from incidents.services.submission_queue import submissions_for_user
from incidents.services.submissions import submission_accept, submission_claim
from registry.models import AuditEvent
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, world):
    client.force_login(world.editor)
    return client


def listed(response):
    return [s.pk for s in response.context["page_obj"]]


def test_it_lists_open_submissions_oldest_first(editor_client):
    first, second = SubmissionFactory(), SubmissionFactory()
    assert listed(editor_client.get("/submit/queue/")) == [first.pk, second.pk]


def test_it_filters_what_i_claimed(editor_client, world):
    mine, _other = SubmissionFactory(), SubmissionFactory()
    submission_claim(submission_id=mine.pk, actor=world.editor)
    assert listed(editor_client.get("/submit/queue/?mine=1")) == [mine.pk]


def test_it_filters_proposed_new_incidents(editor_client):
    proposal = SubmissionFactory(incident_title="A new incident with a robot")
    SubmissionFactory(incident_ids=[IncidentFactory().pk])
    assert listed(editor_client.get("/submit/queue/?proposed=1")) == [proposal.pk]


def test_it_filters_possible_duplicates(editor_client):
    flagged = SubmissionFactory(possible_duplicate=True)
    SubmissionFactory()
    assert listed(editor_client.get("/submit/queue/?duplicate=1")) == [flagged.pk]


def test_it_filters_by_language(editor_client):
    german = SubmissionFactory(language="de")
    SubmissionFactory(language="en")
    assert listed(editor_client.get("/submit/queue/?language=de")) == [german.pk]


def test_it_filters_by_submission_date(editor_client):
    old = SubmissionFactory()
    Submission.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
    )
    recent = SubmissionFactory()
    assert listed(editor_client.get("/submit/queue/?from=2024-01-01")) == [recent.pk]


def test_it_sorts_by_publication_date(editor_client):
    older = SubmissionFactory(date_published=datetime.date(2020, 1, 1))
    newer = SubmissionFactory(date_published=datetime.date(2024, 1, 1))
    assert listed(editor_client.get("/submit/queue/?sort=published")) == [newer.pk, older.pk]


def test_it_ignores_junk_filter_values(editor_client):
    submission = SubmissionFactory()
    response = editor_client.get("/submit/queue/?state=bogus&sort=x&from=2024-99-99&page=zz")
    assert (response.status_code, listed(response)) == (200, [submission.pk])


def test_it_accepts_from_the_detail_page(editor_client):
    incident = IncidentFactory()
    submission = SubmissionFactory(incident_ids=[incident.pk])
    editor_client.post(
        f"/submit/queue/{submission.pk}/accept/",
        {"action": "accept_existing", "incident_ids": str(incident.pk), "reason": ""},
    )
    submission.refresh_from_db()
    assert (
        submission.state,
        list(submission.resulting_incidents.values_list("pk", flat=True)),
    ) == (
        SubmissionState.ACCEPTED,
        [incident.pk],
    )


def test_it_tells_the_second_editor_on_the_page_that_someone_was_faster(editor_client, world):
    submission = SubmissionFactory()
    submission_accept(submission_id=submission.pk, actor=world.staff, action="accept_issue")
    response = editor_client.post(
        f"/submit/queue/{submission.pk}/reject/", {"reason": "spam"}, follow=True
    )
    assert f"Submission {submission.pk} was already accepted by sam" in response.content.decode()


def test_it_refuses_a_rejection_without_reason_on_the_page(editor_client):
    submission = SubmissionFactory()
    response = editor_client.post(
        f"/submit/queue/{submission.pk}/reject/", {"reason": ""}, follow=True
    )
    assert (
        "Rejecting needs a reason for the submitter." in response.content.decode(),
        Submission.objects.get().state,
    ) == (True, SubmissionState.NEW)


def test_it_bulk_rejects_spam_from_the_queue(editor_client):
    spam = [SubmissionFactory() for _ in range(3)]
    editor_client.post(
        "/submit/queue/bulk/",
        {
            "ids": [s.pk for s in spam],
            "action": "reject",
            "reason": "Spam",
            "next": "/submit/queue/",
        },
    )
    assert set(Submission.objects.values_list("state", flat=True)) == {SubmissionState.REJECTED}


def test_it_returns_to_the_filtered_queue_after_a_bulk_action(editor_client):
    spam = SubmissionFactory()
    response = editor_client.post(
        "/submit/queue/bulk/",
        {"ids": [spam.pk], "action": "claim", "next": "/submit/queue/?language=de"},
    )
    assert response["Location"] == "/submit/queue/?language=de"


def test_it_never_redirects_a_bulk_action_off_site(editor_client):
    spam = SubmissionFactory()
    response = editor_client.post(
        "/submit/queue/bulk/",
        {"ids": [spam.pk], "action": "claim", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/submit/queue/"


def test_it_saves_an_editors_corrections_with_an_audit_entry(editor_client):
    submission = SubmissionFactory(title="Robot hits pedestrain", authors=["Jane Reporter"])
    editor_client.post(
        f"/submit/queue/{submission.pk}/edit/",
        {
            "url": submission.url,
            "title": "Robot hits pedestrian",
            "text": submission.text,
            "authors": "Jane Reporter",
            "language": "en",
            "date_published": "2024-03-05",
        },
    )
    submission.refresh_from_db()
    event = AuditEvent.objects.get(subject_id=submission.pk, action="edit")
    assert (submission.title, event.data) == (
        "Robot hits pedestrian",
        {"previous": {"title": "Robot hits pedestrain"}},
    )


def test_it_refuses_an_edit_that_breaks_the_rules(editor_client):
    submission = SubmissionFactory()
    response = editor_client.post(
        f"/submit/queue/{submission.pk}/edit/",
        {"url": submission.url, "title": "abc", "text": submission.text, "language": "en"},
    )
    assert "Title needs at least 6 characters (this one has 3)." in response.content.decode()


def test_it_shows_the_history_on_the_detail_page(editor_client, world):
    submission = SubmissionFactory()
    submission_claim(submission_id=submission.pk, actor=world.editor)
    page = editor_client.get(f"/submit/queue/{submission.pk}/").content.decode()
    assert "edna: claim (new → in_review)" in page


def test_it_lists_only_the_users_own_submissions_for_the_account_page(world):
    own = SubmissionFactory(submitter=world.researcher)
    SubmissionFactory(submitter=world.other_researcher)
    SubmissionFactory()
    assert list(submissions_for_user(world.researcher)) == [own]
