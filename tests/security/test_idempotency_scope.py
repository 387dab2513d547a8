"""Idempotency keys count within their submitter's scope: a key learned or guessed from
somebody else neither returns their submission nor stops a new one being filed."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from incidents.models import Submission
from tests.submissions.helpers import form_post
from tests.submissions.test_api import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_it_files_a_new_submission_for_another_clients_api_key():
    key = str(uuid.uuid4())
    victim = APIClient(REMOTE_ADDR="203.0.113.1").post(
        "/api/v1/submissions/",
        body(title="The victim's private report"),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    attacker = APIClient(REMOTE_ADDR="198.51.100.7").post(
        "/api/v1/submissions/",
        body(title="An attacker replaying the key"),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert (victim.status_code, attacker.status_code) == (201, 201)
    assert attacker.json()["id"] != victim.json()["id"]
    assert "victim" not in attacker.content.decode()


def test_it_files_a_new_submission_for_another_accounts_api_key(world):
    key = str(uuid.uuid4())
    ids = []
    for user in (world.researcher, world.other_researcher):
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(
            "/api/v1/submissions/", body(), format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        ids.append((response.status_code, response.json()["id"]))
    assert [status for status, _ in ids] == [201, 201] and ids[0][1] != ids[1][1]


def test_it_files_a_new_submission_for_another_browsers_form_key():
    key = str(uuid.uuid4())
    for title in ("First browser's report title", "Second browser's report title"):
        response = Client().post(
            "/submit/", form_post(idempotency_key=key, title=title, confirm_duplicates="on")
        )
        assert response.status_code == 302
    assert sorted(Submission.objects.values_list("title", flat=True)) == [
        "First browser's report title",
        "Second browser's report title",
    ]


def test_it_still_files_once_when_one_browser_posts_its_form_twice():
    client, post = Client(), form_post(confirm_duplicates="on")
    assert [client.post("/submit/", post).status_code for _ in range(2)] == [302, 302]
    assert Submission.objects.count() == 1
