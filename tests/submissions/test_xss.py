"""Hostile markup in every text field stays inert text on every page that shows it."""

import pytest
from django.template.loader import render_to_string

from incidents.normalise import normalise_url
from incidents.services.submissions import (
    submission_claim,
    submission_create,
    submission_reject,
)
from tests.factories.incidents import ReportFactory
from tests.factories.submissions import SubmissionFactory, submission_data
from tests.submissions.helpers import form_post

pytestmark = pytest.mark.django_db

CORPUS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    '<a href="javascript:alert(3)">click</a>',
    "<iframe src=//evil.example></iframe>",
    "';alert(String.fromCharCode(88,83,83))//",
]
# What a payload must never appear as in a page: live tags and handlers.
LIVE = ["<script>alert", "<img src=x", "<svg/onload", "<iframe", 'href="javascript:']


def hostile(payload: str):
    padding = " " + "x" * 80
    return submission_data(
        title=("T " + payload)[:500],
        text=payload + padding,
        authors=["Name " + payload],
        incident_title="Incident " + payload,
        description=payload,
        deployers=[payload],
        developers=["Dev " + payload],
        harmed_parties=[payload],
        submitter_name=payload,
        submitter_email="",
    )


@pytest.fixture(params=CORPUS)
def submission(request, world):
    filed = submission_create(data=hostile(request.param), submitter=None)
    return filed.submission


def assert_inert(html: str) -> None:
    found = [live for live in LIVE if live in html]
    assert found == []


def test_it_keeps_payloads_inert_on_the_status_page(client, submission):
    assert_inert(client.get(submission.get_absolute_url()).content.decode())


def test_it_keeps_a_rejection_reason_inert_on_the_status_page(client, world, submission):
    submission_reject(
        submission_id=submission.pk, actor=world.editor, reason="<script>alert('r')</script>"
    )
    html = client.get(submission.get_absolute_url()).content.decode()
    assert (
        "<script>alert" in html,
        "&lt;script&gt;alert(&#x27;r&#x27;)&lt;/script&gt;" in html,
    ) == (False, True)


def test_it_keeps_payloads_inert_in_the_editor_queue(client, world, submission):
    client.force_login(world.editor)
    assert_inert(client.get("/submit/queue/").content.decode())


def test_it_keeps_payloads_inert_on_the_editor_detail_page(client, world, submission):
    submission_claim(submission_id=submission.pk, actor=world.editor)
    client.force_login(world.editor)
    assert_inert(client.get(f"/submit/queue/{submission.pk}/").content.decode())


def test_it_keeps_payloads_inert_on_the_edit_page(client, world, submission):
    client.force_login(world.editor)
    assert_inert(client.get(f"/submit/queue/{submission.pk}/edit/").content.decode())


def test_it_keeps_payloads_inert_in_the_account_section(world):
    for payload in CORPUS:
        filed = submission_create(data=hostile(payload), submitter=world.researcher)
        submission_reject(submission_id=filed.submission.pk, actor=world.editor, reason=payload)
    html = render_to_string("submissions/_account_section.html", {"user": world.researcher})
    assert ("Your incident submissions" in html, [live for live in LIVE if live in html]) == (
        True,
        [],
    )


def test_it_never_links_a_javascript_url_from_imported_data(client):
    submission = SubmissionFactory(url="javascript:alert(document.cookie)")
    html = client.get(submission.get_absolute_url()).content.decode()
    assert ('href="javascript:' in html, "javascript:alert(document.cookie)" in html) == (
        False,
        True,
    )


def test_it_escapes_a_payload_in_the_duplicate_list(client):
    url = "https://example.org/a"
    ReportFactory(url=url, url_normalised=normalise_url(url), title="<script>alert(9)</script>")
    html = client.post("/submit/", form_post(url=url)).content.decode()
    assert ("<script>alert(9)" in html, "&lt;script&gt;alert(9)&lt;/script&gt;" in html) == (
        False,
        True,
    )
