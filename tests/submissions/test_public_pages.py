import pytest

from incidents.models.submissions import Submission, SubmissionState
from incidents.normalise import normalise_url
from incidents.services.submissions import submission_accept, submission_reject
from tests.factories.incidents import IncidentFactory, ReportFactory
from tests.factories.submissions import SubmissionFactory
from tests.submissions.helpers import form_post

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_a_fresh_idempotency_key(client):
    response = client.get("/submit/")
    assert (response.status_code, 'name="idempotency_key"' in response.content.decode()) == (
        200,
        True,
    )


def test_it_files_a_submission_and_shows_the_private_link(client):
    response = client.post("/submit/", form_post(), follow=True)
    submission = Submission.objects.get()
    assert (
        response.redirect_chain,
        submission.state,
        f"/submit/status/{submission.token}/" in response.content.decode(),
    ) == ([("/submit/received/", 302)], SubmissionState.NEW, True)


def test_it_files_a_form_posted_twice_once(client):
    post = form_post()
    client.post("/submit/", post)
    client.post("/submit/", post)
    assert Submission.objects.count() == 1


def test_it_shows_the_aiid_rule_that_failed(client):
    response = client.post("/submit/", form_post(title="Short"))
    assert (
        "Title needs at least 6 characters (this one has 5)." in response.content.decode(),
        Submission.objects.count(),
    ) == (True, 0)


def test_it_refuses_a_huge_text_naming_the_limit(client):
    response = client.post("/submit/", form_post(text="word " * 40_000))
    assert "Text is at most 50,000 characters (this one has 199,999)." in (
        response.content.decode()
    )


def test_it_keeps_the_typed_values_when_refusing(client):
    response = client.post("/submit/", form_post(title="Short", authors="Jane Reporter"))
    assert 'value="Short"' in response.content.decode()


def test_it_shows_possible_duplicates_before_filing(client):
    url = "https://www.example.com/news/robot-crosswalk"
    report = ReportFactory(url=url, url_normalised=normalise_url(url))
    response = client.post("/submit/", form_post(url=url + "?utm_source=feed"))
    page = response.content.decode()
    assert (f'href="/reports/{report.pk}/"' in page, Submission.objects.count()) == (True, 0)


def test_it_files_after_the_submitter_confirms_it_is_different(client):
    url = "https://www.example.com/news/robot-crosswalk"
    ReportFactory(url=url, url_normalised=normalise_url(url))
    client.post("/submit/", form_post(url=url, confirm_duplicates="on"))
    assert Submission.objects.get().possible_duplicate is True


def test_it_files_a_quick_add_with_only_a_url(client):
    client.post(
        "/submit/quick/",
        {"url": "https://example.org/a", "idempotency_key": form_post()["idempotency_key"]},
    )
    submission = Submission.objects.get()
    assert (submission.quick_add, submission.title, submission.url) == (
        True,
        "",
        "https://example.org/a",
    )


def test_it_links_a_logged_in_submitter(client, world):
    client.force_login(world.researcher)
    client.post("/submit/", form_post(submitter_email=""))
    submission = Submission.objects.get()
    assert (submission.submitter, submission.submitter_email) == (
        world.researcher,
        "rita@uni-a.example",
    )


def test_it_answers_404_for_an_unknown_status_link(client):
    response = client.get("/submit/status/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404


def test_it_shows_a_new_submission_as_received(client):
    submission = SubmissionFactory()
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Your submission is waiting for an editor." in page


def test_it_keeps_the_status_page_out_of_caches(client):
    submission = SubmissionFactory()
    response = client.get(submission.get_absolute_url())
    assert (response["Cache-Control"], response["X-Robots-Tag"]) == ("private, no-store", "noindex")


def test_it_links_the_incident_and_report_once_accepted(client, world):
    incident = IncidentFactory(title="Robot hits pedestrians")
    submission = SubmissionFactory(incident_ids=[incident.pk])
    accepted = submission_accept(
        submission_id=submission.pk, actor=world.editor, action="accept_existing"
    )
    page = client.get(submission.get_absolute_url()).content.decode()
    assert (
        f'<a href="/incidents/{incident.pk}/">Incident {incident.pk}: Robot hits pedestrians</a>'
        in page,
        f'href="/reports/{accepted.resulting_report_id}/"' in page,
    ) == (True, True)


def test_it_shows_the_reason_of_a_rejection(client, world):
    submission = SubmissionFactory()
    submission_reject(
        submission_id=submission.pk, actor=world.editor, reason="Not about an AI system."
    )
    page = client.get(submission.get_absolute_url()).content.decode()
    assert ("Not accepted" in page, "Not about an AI system." in page) == (True, True)
