"""The XSS corpus through the public submission form and API: inert on the submitter's status
page, the editors' queue, detail and edit pages, and on the catalog pages once accepted.
NUL bytes (which PostgreSQL text refuses) get a clear message, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache

from incidents.models import Incident
from incidents.models.submissions import Submission
from incidents.services.submissions import submission_accept
from tests.security.corpus import (
    NUL_TEXT,
    SHORT_PAYLOADS,
    URL_PAYLOADS,
    XSS_PAYLOADS,
    assert_inert,
    assert_shows_markers,
)

pytestmark = pytest.mark.django_db

ALL_TEXT = "\n\n".join(p.text for p in XSS_PAYLOADS)
NAMES = "\n".join(p.text for p in SHORT_PAYLOADS if "\n" not in p.text)
ARTICLE_PADDING = " The article goes on to describe the harm in some detail." * 3


@pytest.fixture(autouse=True)
def _no_rate_limits():
    cache.clear()
    yield
    cache.clear()


def hostile_form(**overrides: str) -> dict[str, str]:
    values = {
        "url": "https://news.example.org/2024/03/xss?q=<script>alert(1)</script>",
        "title": " ".join(p.text for p in XSS_PAYLOADS[:6]),
        "text": ALL_TEXT + ARTICLE_PADDING,
        "authors": NAMES,
        "language": "en",
        "incident_title": " ".join(p.text for p in XSS_PAYLOADS[6:12]),
        "description": ALL_TEXT,
        "deployers": NAMES,
        "developers": NAMES,
        "harmed_parties": NAMES,
        "submitter_name": SHORT_PAYLOADS[0].text,
        "submitter_email": "visitor@example.net",
        "idempotency_key": str(uuid.uuid4()),
        "homepage": "",
        "confirm_duplicates": "on",
    }
    values.update(overrides)
    return values


def page(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_inert(html)
    return html


@pytest.fixture
def filed(client) -> Submission:  # noqa: ANN001
    response = client.post("/submit/", hostile_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    return Submission.objects.get()


def test_it_keeps_the_corpus_inert_on_the_public_status_page(client, filed):
    html = page(client, filed.get_absolute_url())
    assert_shows_markers(html, XSS_PAYLOADS[:6])


def test_it_keeps_the_corpus_inert_on_the_editors_pages(client, world, filed):
    client.force_login(world.editor)
    pages = [
        page(client, "/submit/queue/"),
        page(client, f"/submit/queue/{filed.pk}/"),
        page(client, f"/submit/queue/{filed.pk}/edit/"),
    ]
    assert_shows_markers(pages[1])


def test_it_keeps_the_corpus_inert_on_the_catalog_once_accepted(client, world, filed):
    submission_accept(submission_id=filed.pk, actor=world.editor, action="accept_new_incident")
    incident = Incident.objects.get()
    report = incident.reports.get()
    pages = [
        page(client, "/"),
        page(client, "/incidents/"),
        page(client, f"/incidents/{incident.id}/"),
        page(client, f"/reports/{report.number}/"),
        page(client, "/entities/"),
    ]
    entity_pages = [
        page(client, link.entity.get_absolute_url()) for link in incident.entity_links.all()
    ]
    assert len(entity_pages) >= len(SHORT_PAYLOADS)
    assert_shows_markers(pages[3])
    assert_shows_markers(pages[2], XSS_PAYLOADS[6:12])


def test_it_keeps_the_corpus_inert_through_the_api(client):
    body = {
        "url": "https://news.example.org/2024/03/api-xss",
        "title": " ".join(p.text for p in XSS_PAYLOADS[:6]),
        "text": ALL_TEXT + ARTICLE_PADDING,
        "authors": [p.text for p in SHORT_PAYLOADS],
        "incident_title": " ".join(p.text for p in XSS_PAYLOADS[6:12]),
        "description": ALL_TEXT,
        "deployers": [p.text for p in SHORT_PAYLOADS],
    }
    response = client.post(
        "/api/v1/submissions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content[:2000]
    assert response["Content-Type"] == "application/json"
    submission = Submission.objects.get()
    assert_shows_markers(page(client, submission.get_absolute_url()), XSS_PAYLOADS[:6])


@pytest.mark.parametrize("field", ["title", "text", "authors", "description", "submitter_name"])
def test_it_refuses_a_nul_byte_in_the_form_with_a_message(client, field):
    value = NUL_TEXT + (ARTICLE_PADDING * 2 if field == "text" else "")
    response = client.post("/submit/", hostile_form(**{field: value}))
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("field", ["title", "text", "description", "incident_title"])
def test_it_refuses_a_nul_byte_in_the_api_with_a_400(client, field):
    body = {
        "url": "https://news.example.org/2024/03/nul",
        "title": "A title long enough",
        "text": ARTICLE_PADDING * 2,
    }
    body[field] = NUL_TEXT + (ARTICLE_PADDING * 2 if field == "text" else "")
    response = client.post(
        "/api/v1/submissions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": [{"field": field, "message": "Null characters are not allowed."}]
    }
    assert Submission.objects.count() == 0


def test_it_refuses_a_nul_byte_in_an_api_list_item_with_a_400(client):
    body = {
        "url": "https://news.example.org/2024/03/nul",
        "title": "A title long enough",
        "text": ARTICLE_PADDING * 2,
        "authors": [NUL_TEXT],
    }
    response = client.post(
        "/api/v1/submissions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert Submission.objects.count() == 0


def test_it_keeps_hostile_editor_tool_input_inert(client, world):
    from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

    client.force_login(world.editor)
    duplicate = EntityFactory(slug="hostile-duplicate", name=XSS_PAYLOADS[1].text)
    target = EntityFactory(slug="kept-entity", name="Kept entity")
    report = ReportFactory()
    incident = IncidentFactory()
    report.incidents.add(incident)
    posts = [
        (  # the side-by-side preview, then the confirmed merge
            "merge-entities",
            {"duplicate_slug": duplicate.slug, "target_slug": target.slug, "reason": ALL_TEXT},
        ),
        (
            "merge-entities",
            {
                "duplicate_slug": duplicate.slug,
                "target_slug": target.slug,
                "reason": ALL_TEXT,
                "confirmed": "yes",
            },
        ),
        ("flag-report", {"report_number": report.number, "flagged": "1", "reason": ALL_TEXT}),
    ]
    for tool, data in posts:
        response = client.post(f"/submit/editor/{tool}/", data, follow=True)
        assert response.status_code == 200, tool
        assert_inert(response.content.decode())
    assert "xssattrbreak" in page(client, "/entities/kept-entity/")
    page(client, f"/reports/{report.number}/")
    client.force_login(world.staff)
    history = page(client, f"/admin/incidents/report/{report.number}/history/")
    assert "xssscripttag" in history
    page(client, f"/admin/incidents/entity/{target.pk}/history/")


@pytest.mark.parametrize("url", URL_PAYLOADS)
@pytest.mark.parametrize("field", ["url", "image_url"])
def test_it_refuses_a_script_url_in_the_public_form(client, url, field):
    response = client.post("/submit/", hostile_form(**{field: url}))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("url", URL_PAYLOADS)
def test_it_refuses_a_script_url_in_the_quick_add_form(client, url):
    response = client.post(
        "/submit/quick/",
        {"url": url, "idempotency_key": str(uuid.uuid4()), "homepage": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("url")
    assert Submission.objects.count() == 0


def test_it_keeps_a_hostile_quick_add_inert_for_editors(client, world):
    response = client.post(
        "/submit/quick/",
        {
            "url": "https://news.example.org/quick?<script>alert(1)</script>",
            "submitter_name": XSS_PAYLOADS[1].text,
            "idempotency_key": str(uuid.uuid4()),
            "homepage": "",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    client.force_login(world.editor)
    page(client, "/submit/queue/")
    page(client, f"/submit/queue/{submission.pk}/")
