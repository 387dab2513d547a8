"""Who may do what: the public, the submitter, another logged-in user, an editor, staff."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db

WHO = ("public", "submitter", "other", "editor", "staff")


@pytest.fixture
def people(world):
    return {
        "public": None,
        "submitter": world.researcher,
        "other": world.other_researcher,
        "editor": world.editor,
        "staff": world.staff,
    }


@pytest.fixture
def submission(world):
    return SubmissionFactory(submitter=world.researcher)


def page_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


EVERYONE = dict.fromkeys(WHO, 200)
EDITOR_PAGE = {"public": 302, "submitter": 403, "other": 403, "editor": 200, "staff": 200}
EDITOR_POST = {**EDITOR_PAGE, "editor": 302, "staff": 302}
PAGES = [
    # (method, path, {who: status})
    ("get", "/submit/", EVERYONE),
    ("get", "/submit/quick/", EVERYONE),
    ("get", "{status}", EVERYONE),
    ("get", "/submit/queue/", EDITOR_PAGE),
    ("get", "/submit/queue/{id}/", EDITOR_PAGE),
    ("get", "/submit/queue/{id}/edit/", EDITOR_PAGE),
    ("post", "/submit/queue/{id}/claim/", EDITOR_POST),
    ("post", "/submit/queue/bulk/", EDITOR_POST),
    ("get", "/submit/editor/", EDITOR_PAGE),
    ("get", "/submit/editor/merge-incidents/", EDITOR_PAGE),
]


@pytest.mark.parametrize(("method", "path", "expected"), PAGES)
@pytest.mark.parametrize("who", WHO)
def test_it_guards_the_pages(people, submission, method, path, expected, who):
    url = path.format(status=submission.get_absolute_url(), id=submission.pk)
    response = getattr(page_client(people[who]), method)(url)
    assert response.status_code == expected[who]


def test_it_sends_the_public_to_log_in_for_the_queue(client):
    response = client.get("/submit/queue/")
    assert response["Location"] == "/accounts/login/?next=/submit/queue/"


OWNER_OR_EDITOR = {"public": 401, "submitter": 200, "other": 404, "editor": 200, "staff": 200}
EDITOR_ACTION = {"public": 401, "submitter": 403, "other": 403, "editor": 200, "staff": 200}
API = [
    ("get", "/api/v1/submissions/{id}/", OWNER_OR_EDITOR),
    ("post", "/api/v1/submissions/{id}/claim/", EDITOR_ACTION),
    ("post", "/api/v1/submissions/{id}/reject/", EDITOR_ACTION),
    ("post", "/api/v1/submissions/{id}/accept/", EDITOR_ACTION),
    ("post", "/api/v1/submissions/bulk/", EDITOR_ACTION),
    ("post", "/api/v1/incidents/{incident}/link/", EDITOR_ACTION),
]

BODIES = {
    "reject": {"reason": "Spam"},
    "accept": {"accept_as": "issue"},
    "bulk": {"ids": [1], "action": "claim"},
    "link": {"other_id": None, "kind": "similar"},
}


@pytest.mark.parametrize(("method", "path", "expected"), API)
@pytest.mark.parametrize("who", WHO)
def test_it_guards_the_api(people, submission, method, path, expected, who):
    incident, other = IncidentFactory(), IncidentFactory()
    url = path.format(id=submission.pk, incident=incident.pk)
    body = next((b for key, b in BODIES.items() if f"/{key}/" in url), {})
    if "other_id" in body:
        body = {**body, "other_id": other.pk}
    response = getattr(api_client(people[who]), method)(url, body, format="json")
    assert response.status_code == expected[who]


def test_it_lists_only_a_users_own_submissions(world, submission):
    SubmissionFactory(submitter=world.other_researcher)
    response = api_client(world.researcher).get("/api/v1/submissions/")
    assert [s["id"] for s in response.json()["results"]] == [submission.pk]


def test_it_hides_the_claiming_editor_from_the_submitter(world, submission):
    api_client(world.editor).post(f"/api/v1/submissions/{submission.pk}/claim/")
    seen = api_client(world.researcher).get(f"/api/v1/submissions/{submission.pk}/").json()
    assert (seen["state"], seen["claimed_by"]) == ("in_review", None)
