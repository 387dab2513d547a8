"""Junk sent to the pages answers with a clear error, never a 500."""

import pytest

from incidents.models.submissions import Submission
from tests.factories.submissions import SubmissionFactory
from tests.submissions.helpers import form_post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.fixture
def editor_client(client, world):
    client.force_login(world.editor)
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/submit/queue/{HUGE}/"),
        ("get", f"/submit/queue/{HUGE}/edit/"),
        ("post", f"/submit/queue/{HUGE}/claim/"),
        ("get", "/submit/status/not-a-uuid/"),
    ],
)
def test_it_answers_404_for_impossible_ids(editor_client, method, path):
    assert getattr(editor_client, method)(path).status_code == 404


def test_it_refuses_a_nul_character_in_the_form(client):
    response = client.post("/submit/", form_post(title="Robot\x00 crosswalk"))
    assert (response.status_code, Submission.objects.count()) == (200, 0)


@pytest.mark.parametrize(
    "overrides",
    [
        {"incident_ids": "12, abc"},
        {"incident_ids": HUGE},
        {"date_published": "2024-02-30"},
        {"idempotency_key": "not-a-uuid"},
        {"submitter_email": "not an email"},
    ],
)
def test_it_refuses_malformed_fields_in_the_form(client, overrides):
    response = client.post("/submit/", form_post(**overrides))
    assert (response.status_code, Submission.objects.count()) == (200, 0)


def test_it_explains_a_bad_incident_id(client):
    response = client.post("/submit/", form_post(incident_ids="12, abc"))
    assert "&#x27;abc&#x27; is not an incident id (use numbers like 12, 40)." in (
        response.content.decode()
    )


def test_it_ignores_impossible_ids_in_a_bulk_action(editor_client):
    real = SubmissionFactory()
    editor_client.post("/submit/queue/bulk/", {"ids": [str(real.pk), HUGE, "x"], "action": "claim"})
    real.refresh_from_db()
    assert real.state == "in_review"


def test_it_refuses_an_unknown_bulk_action(editor_client):
    real = SubmissionFactory()
    response = editor_client.post(
        "/submit/queue/bulk/", {"ids": [real.pk], "action": "delete"}, follow=True
    )
    assert "Tick at least one submission and choose an action." in response.content.decode()


def test_it_refuses_an_out_of_range_id_in_a_tool(editor_client):
    response = editor_client.post(
        "/submit/editor/merge-incidents/",
        {"duplicate_id": HUGE, "target_id": "1", "reason": "x"},
    )
    assert "Ensure this value is less than or equal to 2147483647." in response.content.decode()


def test_it_answers_405_to_a_get_on_an_action(editor_client):
    submission = SubmissionFactory()
    assert editor_client.get(f"/submit/queue/{submission.pk}/claim/").status_code == 405


@pytest.mark.parametrize("query", ["q=a%00b", "language=d%00e", "from=2024-01-01%00"])
def test_it_ignores_nul_characters_in_queue_filters(editor_client, query):
    assert editor_client.get(f"/submit/queue/?{query}").status_code == 200


def test_it_answers_404_for_a_nul_in_an_entity_path(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.editor)
    response = api.post(
        "/api/v1/entities/a%00b/merge/", {"into": "x", "reason": "y"}, format="json"
    )
    assert response.status_code == 404
