"""The public submission form: required fields labelled and enforced, "optional" said once in
a legend, unknown incident ids flagged at their field, paraphrased duplicates found by the
search engine's text similarity, and an accepted new incident never its own duplicate."""

from __future__ import annotations

import re

import pytest

from incidents.indexing import rebuild_search_vocabulary, refresh_search_vectors
from incidents.models import Incident
from incidents.services.duplicates import _similar_incident_titles, duplicates_for_submission
from incidents.services.submissions import submission_accept
from tests.factories.submissions import ARTICLE_TEXT, SubmissionFactory

pytestmark = pytest.mark.django_db

WAYMO_TITLE = (
    "Waymo Autonomous Vehicle Reportedly Struck Child Near Elementary School in Santa Monica"
)


def form_post(client, **fields):  # noqa: ANN001, ANN003, ANN201
    data = {
        "idempotency_key": "7b4f0d4e-32a4-4f5c-9d2f-3a8c6f1e2b10",
        "url": "https://news.example.org/2026/01/waymo-child",
        "title": "Waymo car struck a child near a school, police say",
        "text": ARTICLE_TEXT,
    }
    data.update(fields)
    return client.post("/submit/", data)


def field_block(body: str, name: str) -> str:
    """The HTML of one field's block (label, input, errors)."""
    start = body.index(f'id="id_{name}"')
    block_start = body.rindex('<div class="field', 0, start)
    return body[block_start : body.index("</div>", start)]


@pytest.fixture
def waymo_incident() -> Incident:
    incident = Incident.objects.create(
        title=WAYMO_TITLE,
        description="A Waymo robotaxi struck a child who ran into the street near a school.",
    )
    refresh_search_vectors(incident_ids=[incident.pk], report_numbers=[])
    rebuild_search_vocabulary()
    return incident


def test_it_says_optional_once_and_labels_the_required_fields(client) -> None:  # noqa: ANN001
    body = client.get("/submit/").content.decode()

    assert body.count("optional") == 1
    assert "every other field is optional" in body
    labelled = re.findall(r'<label for="id_(\w+)">[^<]*<span class="required-mark">', body)
    assert labelled == ["url", "title", "text"]


def test_it_accepts_a_report_with_every_optional_field_empty(client) -> None:  # noqa: ANN001
    response = form_post(client)

    assert response.status_code == 302


def test_it_refuses_an_empty_required_field_at_the_field(client) -> None:  # noqa: ANN001
    response = form_post(client, title="")

    body = response.content.decode()
    assert "A title is required (6 to 500 characters)." in field_block(body, "title")


def test_it_flags_an_unknown_incident_id_at_its_field(client) -> None:  # noqa: ANN001
    response = form_post(client, incident_ids="99999")

    block = field_block(response.content.decode(), "incident_ids")
    assert "field-error" in block
    assert "No incident with id 99999." in block


def test_it_finds_a_paraphrased_title_that_trigrams_miss(client, waymo_incident) -> None:  # noqa: ANN001
    proposed = "Waymo self-driving car hit a child near a school"
    assert _similar_incident_titles(proposed) == []  # trigrams alone do not see it

    response = form_post(client, incident_title=proposed)

    duplicates = response.context["duplicates"]
    assert ("incident", waymo_incident.pk) in [(c.kind, c.pk) for c in duplicates.similar_title]
    assert f'href="/incidents/{waymo_incident.pk}/"' in response.content.decode()


def test_it_shows_the_editor_the_paraphrased_duplicate_before_accepting(
    client,
    world,
    waymo_incident,  # noqa: ANN001
) -> None:
    submission = SubmissionFactory(
        incident_title="Waymo self-driving car hit a child near a school"
    )
    client.force_login(world.editor)

    body = client.get(f"/submit/queue/{submission.pk}/").content.decode()

    assert "Possible duplicates" in body and f"/incidents/{waymo_incident.pk}/" in body


def test_it_never_reports_an_accepted_new_incident_as_its_own_duplicate(
    world,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    submission = SubmissionFactory(
        title="Delivery robot drives into crowded crosswalk",
        incident_title="Delivery robot drives into crowded crosswalk",
    )
    with django_capture_on_commit_callbacks(execute=True):
        accepted = submission_accept(
            submission_id=submission.pk, actor=world.editor, action="accept_new_incident"
        )
    created = accepted.resulting_incidents.get()
    refresh_search_vectors(incident_ids=[created.pk], report_numbers=[])
    rebuild_search_vocabulary()

    matches = duplicates_for_submission(submission=accepted, include_submissions=True)

    assert ("incident", created.pk) not in [(c.kind, c.pk) for c in matches.all()]
    assert ("report", accepted.resulting_report_id) not in [(c.kind, c.pk) for c in matches.all()]
