"""Attack: replaying someone else's idempotency key to get their submission back.

Keys were global: posting a key another person had used answered with their submission (its
id over the API; its private status link on the web form's "received" page). A key now
counts only within its scope: the account, else the browser session, else the client address.
"""

from __future__ import annotations

import uuid

from django.test import Client
from rest_framework.test import APIClient

from incidents.models.submissions import Submission
from tests.submissions.helpers import form_post

BODY = {
    "url": "https://news.example.org/2024/03/robot-crosswalk",
    "title": "Delivery robot drives into crowded crosswalk",
    "text": "A delivery robot drove into a crowded crosswalk. " * 5,
    "authors": ["Jane Reporter"],
    "date_published": "2024-03-05",
    "language": "en",
}


def test_another_account_cannot_replay_a_key_over_the_api(world):  # noqa: ANN001
    key = str(uuid.uuid4())
    victim, attacker = APIClient(), APIClient()
    victim.force_authenticate(world.researcher)
    attacker.force_authenticate(world.other_researcher)
    first = victim.post("/api/v1/submissions/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
    replay = attacker.post("/api/v1/submissions/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json()["id"] != first.json()["id"]
    assert Submission.objects.count() == 2


def test_the_same_account_still_files_once_per_key(world):  # noqa: ANN001
    key = str(uuid.uuid4())
    client = APIClient()
    client.force_authenticate(world.researcher)
    first = client.post("/api/v1/submissions/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/v1/submissions/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_another_browser_cannot_replay_a_form_key(db):  # noqa: ANN001
    victim, attacker = Client(), Client()
    post = form_post()
    victim.post("/submit/", post)
    victim_token = str(Submission.objects.get().token)
    attacker.post("/submit/", form_post(idempotency_key=post["idempotency_key"]))
    received = attacker.get("/submit/received/").content.decode()
    assert Submission.objects.count() == 2
    assert victim_token not in received
