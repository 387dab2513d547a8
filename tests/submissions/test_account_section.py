import pytest
from django.template.loader import render_to_string

from incidents.services.submissions import submission_accept
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def section_for(user):
    return render_to_string("submissions/_account_section.html", {"user": user})


def test_it_lists_the_submitters_own_submissions_with_their_status_links(world):
    own = SubmissionFactory(submitter=world.researcher, title="Robot hits pedestrians")
    other = SubmissionFactory(submitter=world.other_researcher)
    html = section_for(world.researcher)
    assert (own.get_absolute_url() in html, other.get_absolute_url() in html) == (True, False)


def test_it_links_the_incident_an_accepted_submission_joined(world):
    incident = IncidentFactory()
    submission = SubmissionFactory(submitter=world.researcher, incident_ids=[incident.pk])
    submission_accept(submission_id=submission.pk, actor=world.editor, action="accept_existing")
    html = section_for(world.researcher)
    assert f'<a href="/incidents/{incident.pk}/">Incident {incident.pk}</a>' in html


def test_it_renders_nothing_for_someone_who_never_submitted(world):
    assert section_for(world.other_researcher).strip() == ""
