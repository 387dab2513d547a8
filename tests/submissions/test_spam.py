import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from incidents.api.submissions import SubmissionRateThrottle
from incidents.models.submissions import Submission
from tests.submissions.helpers import form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_hour(monkeypatch):
    monkeypatch.setattr(SubmissionRateThrottle, "rate", "3/hour", raising=False)


def api_body(n: int) -> dict:
    post = form_post(url=f"https://news.example.org/story-{n}")
    return {k: v for k, v in post.items() if k not in ("idempotency_key", "homepage")} | {
        "authors": ["Jane Reporter"]
    }


def test_it_hides_the_honeypot_with_a_css_class_not_an_inline_style(client):
    page = client.get("/submit/").content.decode()
    css = (Path(settings.BASE_DIR) / "static/css/areas.css").read_text()
    assert (
        '<div class="submission-hp" aria-hidden="true">' in page,
        "style=" in page,
        bool(re.search(r"\.submission-hp \{ position: absolute; left: -10000px;", css)),
    ) == (True, False, True)


def test_it_silently_discards_a_filled_honeypot(client):
    response = client.post("/submit/", form_post(homepage="http://spam.example"))
    assert (response.status_code, response["Location"], Submission.objects.count()) == (
        302,
        "/submit/received/",
        0,
    )


def test_it_answers_a_bot_with_the_normal_thank_you_page(client):
    response = client.post("/submit/", form_post(homepage="x"), follow=True)
    assert "Thank you: your submission was received" in response.content.decode()


def test_it_discards_a_filled_honeypot_on_quick_add(client):
    client.post("/submit/quick/", form_post(homepage="x"))
    assert Submission.objects.count() == 0


def test_it_limits_form_submissions_per_address(client, three_per_hour):
    for n in range(3):
        client.post("/submit/", form_post(url=f"https://news.example.org/story-{n}"))
    response = client.post("/submit/", form_post(url="https://news.example.org/story-9"))
    assert (response.status_code, Submission.objects.count()) == (429, 3)


def test_it_tells_a_throttled_visitor_when_to_come_back(client, three_per_hour):
    for n in range(4):
        response = client.post("/submit/", form_post(url=f"https://news.example.org/s-{n}"))
    assert "Too many submissions from your address. Please try again in about" in (
        response.content.decode()
    )


def test_it_does_not_let_a_forged_forwarded_header_escape_the_limit(client, three_per_hour):
    for n in range(4):
        client.post(
            "/submit/",
            form_post(url=f"https://news.example.org/s-{n}"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert Submission.objects.count() == 3


def test_it_throttles_the_api(three_per_hour):
    api = APIClient()
    codes = [
        api.post("/api/v1/submissions/", api_body(n), format="json").status_code for n in range(4)
    ]
    assert codes == [201, 201, 201, 429]


def test_it_sends_retry_after_when_throttling_the_api(three_per_hour):
    api = APIClient()
    for n in range(4):
        response = api.post("/api/v1/submissions/", api_body(n), format="json")
    assert int(response["Retry-After"]) > 0


def test_it_does_not_throttle_editors(world, three_per_hour):
    api = APIClient()
    api.force_authenticate(world.editor)
    codes = {
        api.post("/api/v1/submissions/", api_body(n), format="json").status_code for n in range(4)
    }
    assert codes == {201}
