"""The XSS corpus typed into the disclosure form, the disclosure API, comments and the venue
review form: stored as text, inert on the pages that show it. NUL bytes get a clear message."""

from __future__ import annotations

import json
import uuid

import pytest

from emissions.models import Disclosure, DisclosureComment
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory, ReviewAssignmentFactory, conference_venue
from tests.security.corpus import NUL_TEXT, SHORT_PAYLOADS, XSS_PAYLOADS, assert_inert
from venues.models import Review

pytestmark = pytest.mark.django_db

ALL_TEXT = "\n\n".join(p.text for p in XSS_PAYLOADS)


def disclosure_form(**overrides: str) -> dict[str, str]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "model_name": f"{XSS_PAYLOADS[0].text} {XSS_PAYLOADS[1].text}",
        "model_version": SHORT_PAYLOADS[2].text[:100],
        "architecture": "dense",
        "organisation": SHORT_PAYLOADS[3].text[:200],
        "paper_title": " ".join(p.text for p in XSS_PAYLOADS[4:9]),
        "paper_authors": "\n".join(p.text for p in SHORT_PAYLOADS[:4]),
        "tool_name": SHORT_PAYLOADS[5].text[:100],
        "justification": ALL_TEXT,
        "claim_tco2e": "46.7",
        "claim_energy_kwh": "85700",
        "claim_basis": "location",
        "method": "measured",
        "includes_preliminary_experiments": "no",
        "runs-TOTAL_FORMS": "1",
        "runs-INITIAL_FORMS": "0",
        "runs-MIN_NUM_FORMS": "1",
        "runs-MAX_NUM_FORMS": "50",
        "runs-0-name": SHORT_PAYLOADS[6].text[:200],
        "runs-0-accelerator": "TPU v3",
        "runs-0-count": "512",
        "runs-0-hours": "480",
        "runs-0-power_w": "310",
        "runs-0-power_basis": "measured_system",
        "runs-0-pue": "1.12",
        "runs-0-intensity_g_per_kwh": "545",
        "save": "1",
    }
    data.update(overrides)
    return data


def page(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_inert(html)
    return html


def test_it_keeps_disclosure_form_input_inert_on_its_pages(client, world):
    client.force_login(world.researcher)
    response = client.post("/disclosures/new/", disclosure_form())
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.model_name.startswith("xssscripttag <script>")
    html = page(client, f"/disclosures/{disclosure.pk}/")
    assert "xssscripttag" in html
    page(client, f"/disclosures/{disclosure.pk}/edit/")
    page(client, "/disclosures/mine/")


def test_it_keeps_disclosure_api_input_inert_on_its_page(client, world):
    client.force_login(world.researcher)
    body = {
        "model_name": XSS_PAYLOADS[0].text,
        "paper_title": " ".join(p.text for p in XSS_PAYLOADS[4:9]),
        "organisation": SHORT_PAYLOADS[3].text,
        "justification": ALL_TEXT,
        "claim": {"tco2e": 46.7, "energy_kwh": 85700, "basis": "location"},
        "runs": [
            {
                "accelerator": "TPU v3",
                "count": 512,
                "hours": 480,
                "power_w": 310,
                "power_basis": "measured_system",
                "pue": 1.12,
                "intensity_g_per_kwh": 545,
            }
        ],
    }
    response = client.post(
        "/api/v1/disclosures/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content[:1000]
    assert response["Content-Type"] == "application/json"
    disclosure = Disclosure.objects.get()
    assert "xssscripttag" in page(client, f"/disclosures/{disclosure.pk}/")


@pytest.mark.parametrize("field", ["model_name", "paper_title", "justification", "runs-0-name"])
def test_it_refuses_a_nul_byte_in_the_disclosure_form_with_a_message(client, world, field):
    client.force_login(world.researcher)
    response = client.post("/disclosures/new/", disclosure_form(**{field: NUL_TEXT}))
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize("field", ["model_name", "justification"])
def test_it_refuses_a_nul_byte_in_the_disclosure_api_with_a_400(client, world, field):
    client.force_login(world.researcher)
    body = {"model_name": "T5", field: NUL_TEXT}
    response = client.post(
        "/api/v1/disclosures/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert Disclosure.objects.count() == 0


@pytest.fixture
def in_review(world):  # noqa: ANN001, ANN201
    venue = conference_venue()
    venue.chairs.add(world.chair)
    venue.reviewers.add(world.reviewer)
    disclosure = DisclosureFactory(
        owner=world.researcher,
        venue=venue,
        venue_submission_id="42",
        state="in_review",
        assigned_reviewer=world.reviewer,
    )
    RecomputationFactory(disclosure=disclosure)
    ReviewAssignmentFactory(disclosure=disclosure, reviewer=world.reviewer)
    return disclosure


def test_it_keeps_a_hostile_comment_inert(client, world, in_review):
    client.force_login(world.reviewer)
    client.post(f"/disclosures/{in_review.pk}/comment/", {"body": ALL_TEXT})
    assert DisclosureComment.objects.get().body == ALL_TEXT
    assert "xssscripttag" in page(client, f"/disclosures/review/{in_review.pk}/")
    client.force_login(world.researcher)
    assert "xssscripttag" in page(client, f"/disclosures/{in_review.pk}/")


def test_it_refuses_a_nul_byte_in_a_comment_with_a_clear_message(client, world, in_review):
    client.force_login(world.reviewer)
    response = client.post(f"/disclosures/{in_review.pk}/comment/", {"body": NUL_TEXT}, follow=True)
    assert DisclosureComment.objects.count() == 0
    assert "Null characters are not allowed." in response.content.decode()


def review_form(**overrides: str) -> dict[str, str]:
    data = {
        "answer_neurips-8": "no",
        "justification_neurips-8": ALL_TEXT,
        "answer_acl-c1": "na",
        "justification_acl-c1": ALL_TEXT,
        "completeness": "4",
        "recommendation": "verify",
        "comments": ALL_TEXT,
    }
    data.update(overrides)
    return data


def test_it_keeps_hostile_review_answers_inert(client, world, in_review):
    client.force_login(world.reviewer)
    url = f"/venues/{in_review.venue.slug}/papers/{in_review.pk}/review/"
    assert client.post(url, review_form()).status_code == 302
    assert Review.objects.get().comments == ALL_TEXT
    page(client, url)
    client.force_login(world.chair)
    html = page(client, f"/venues/{in_review.venue.slug}/papers/{in_review.pk}/")
    assert "xssscripttag" in html


@pytest.mark.parametrize(
    "field",
    [
        "comments",
        "justification_acl-c1",
    ],
)
def test_it_refuses_a_nul_byte_in_a_review_with_a_message(client, world, in_review, field):
    client.force_login(world.reviewer)
    url = f"/venues/{in_review.venue.slug}/papers/{in_review.pk}/review/"
    response = client.post(url, review_form(**{field: NUL_TEXT}))
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_never_redirects_off_site_after_a_comment(client, world, in_review, target):
    client.force_login(world.reviewer)
    response = client.post(
        f"/disclosures/{in_review.pk}/comment/", {"body": "Fine.", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/disclosures/{in_review.pk}/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_never_redirects_off_site_after_logging_in(client, world, target):
    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_keeps_a_hostile_organisation_from_sign_up_inert(client):
    from registry.accounts.services import account_confirm
    from registry.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "email": "mallory@example.org",
            "username": "mallory",
            "organisation": XSS_PAYLOADS[1].text,
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
        },
    )
    assert response.status_code == 200
    mallory = User.objects.get(email="mallory@example.org")
    account_confirm(user=mallory)  # as the emailed link does
    client.force_login(mallory)
    assert "xssattrbreak" in page(client, "/accounts/")
