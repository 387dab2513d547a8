import json
import uuid

import pytest
from rest_framework.test import APIClient

from incidents.models.submissions import Submission, SubmissionState
from incidents.normalise import normalise_url
from tests.factories.incidents import IncidentFactory, ReportFactory
from tests.factories.submissions import ARTICLE_TEXT, SubmissionFactory

pytestmark = pytest.mark.django_db


def body(**overrides):
    values = {
        "url": "https://news.example.org/2024/03/robot-crosswalk",
        "title": "Delivery robot drives into crowded crosswalk",
        "text": ARTICLE_TEXT,
        "authors": ["Jane Reporter"],
        "date_published": "2024-03-05",
        "language": "en",
    }
    values.update(overrides)
    return values


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor_api(world):
    client = APIClient()
    client.force_authenticate(world.editor)
    return client


def test_it_files_a_submission_with_aiid_field_names(api):
    incident = IncidentFactory()
    response = api.post("/api/v1/submissions/", body(incident_ids=[incident.pk]), format="json")
    data = response.json()
    submission = Submission.objects.get()
    assert (response.status_code, data["incident_ids"], data["status_url"], data["state"]) == (
        201,
        [incident.pk],
        f"/submit/status/{submission.token}/",
        "new",
    )


def test_it_returns_possible_duplicates_with_links(api):
    url = "https://www.example.com/robot"
    report = ReportFactory(url=url, url_normalised=normalise_url(url))
    data = api.post("/api/v1/submissions/", body(url=url + "/"), format="json").json()
    assert [(d["reason"], d["kind"], d["link"]) for d in data["possible_duplicates"]] == [
        ("same_url", "report", f"/reports/{report.pk}/")
    ]


def test_it_files_once_per_idempotency_key(api):
    key = str(uuid.uuid4())
    first = api.post("/api/v1/submissions/", body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = api.post("/api/v1/submissions/", body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code, second.json()["id"]) == (
        201,
        200,
        first.json()["id"],
    )


def test_it_answers_errors_by_field(api):
    response = api.post("/api/v1/submissions/", body(title="abc"), format="json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "errors": [
                {"field": "title", "message": "Title needs at least 6 characters (this one has 3)."}
            ]
        },
    )


def test_it_refuses_a_huge_text_naming_the_limit(api):
    response = api.post("/api/v1/submissions/", body(text="a" * 60_000), format="json")
    assert response.json()["errors"] == [
        {"field": "text", "message": "Text is at most 50,000 characters (this one has 60,000)."}
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "bad \ud800 surrogate title"},
        {"authors": ["nul\x00author"]},
        {"incident_ids": [2**40]},
        {"incident_ids": ["x"]},
        {"date_published": "2024-02-30"},
        {"url": "javascript:alert(1)"},
        {"authors": "not a list"},
    ],
)
def test_it_refuses_malformed_input_with_400(api, overrides):
    # json.dumps escapes a lone surrogate as \\ud800, as a hostile client would send it.
    raw = json.dumps(body(**overrides))
    response = api.post("/api/v1/submissions/", raw, content_type="application/json")
    assert response.status_code == 400


def test_it_refuses_a_malformed_idempotency_key(api):
    response = api.post(
        "/api/v1/submissions/", body(), format="json", HTTP_IDEMPOTENCY_KEY="not-a-uuid"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["abc", "99999999999999999999999", "-1", "1.5"])
def test_it_answers_json_404_for_impossible_ids(editor_api, path):
    response = editor_api.get(f"/api/v1/submissions/{path}/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_it_accepts_into_existing_incidents(editor_api):
    incident = IncidentFactory()
    submission = SubmissionFactory()
    response = editor_api.post(
        f"/api/v1/submissions/{submission.pk}/accept/",
        {"accept_as": "existing_incidents", "incident_ids": [incident.pk]},
        format="json",
    )
    data = response.json()
    assert (data["state"], data["outcome"], data["resulting_incidents"]) == (
        "accepted",
        "existing_incidents",
        [incident.pk],
    )


def test_it_answers_409_naming_the_editor_who_decided_first(editor_api, world):
    submission = SubmissionFactory()
    staff = APIClient()
    staff.force_authenticate(world.staff)
    staff.post(f"/api/v1/submissions/{submission.pk}/reject/", {"reason": "Spam"}, format="json")
    response = editor_api.post(
        f"/api/v1/submissions/{submission.pk}/accept/", {"accept_as": "issue"}, format="json"
    )
    assert (response.status_code, response.json()["errors"][0]["message"].split(" at ")[0]) == (
        409,
        f"Submission {submission.pk} was already rejected by sam",
    )


def test_it_needs_a_reason_to_reject(editor_api):
    submission = SubmissionFactory()
    response = editor_api.post(f"/api/v1/submissions/{submission.pk}/reject/", {}, format="json")
    assert (response.status_code, Submission.objects.get().state) == (400, SubmissionState.NEW)


def test_it_refuses_to_accept_into_an_unknown_incident(editor_api):
    submission = SubmissionFactory()
    response = editor_api.post(
        f"/api/v1/submissions/{submission.pk}/accept/",
        {"accept_as": "existing_incidents", "incident_ids": [424242]},
        format="json",
    )
    assert response.json() == {
        "errors": [{"field": "incident_ids", "message": "No incident with id 424242."}]
    }


def test_it_bulk_rejects_through_the_api(editor_api):
    spam = [SubmissionFactory() for _ in range(3)]
    response = editor_api.post(
        "/api/v1/submissions/bulk/",
        {"ids": [s.pk for s in spam] + [987654], "action": "reject", "reason": "Spam"},
        format="json",
    )
    assert response.json() == {
        "done": sorted(s.pk for s in spam),
        "skipped": {"987654": "No such submission."},
    }


def test_it_lists_the_open_queue_for_editors(editor_api, world):
    open_one = SubmissionFactory()
    decided = SubmissionFactory()
    editor_api.post(f"/api/v1/submissions/{decided.pk}/reject/", {"reason": "x"}, format="json")
    listed = editor_api.get("/api/v1/submissions/").json()["results"]
    assert [s["id"] for s in listed] == [open_one.pk]


def test_it_refuses_an_unknown_queue_state(editor_api):
    response = editor_api.get("/api/v1/submissions/?state=bogus")
    assert response.status_code == 400


def test_it_checks_for_duplicates_before_submitting(api):
    report = ReportFactory(title="Facial recognition leads to wrongful arrest in Detroit")
    response = api.get(
        "/api/v1/submissions/duplicates/",
        {"title": "Wrongful arrest in Detroit blamed on facial recognition"},
    )
    assert [(d["reason"], d["id"]) for d in response.json()] == [("similar_title", report.pk)]


def test_it_needs_something_to_check_for_duplicates(api):
    assert api.get("/api/v1/submissions/duplicates/").status_code == 400


def test_it_serves_a_schema_with_the_submission_actions(api):
    paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {
        "/api/v1/submissions/",
        "/api/v1/submissions/{id}/",
        "/api/v1/submissions/{id}/accept/",
        "/api/v1/submissions/{id}/reject/",
        "/api/v1/submissions/{id}/claim/",
        "/api/v1/submissions/{id}/unclaim/",
        "/api/v1/incidents/{incident_id}/merge/",
        "/api/v1/entities/{slug}/merge/",
    } <= set(paths)
