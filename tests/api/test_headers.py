"""Headers every API client relies on: rate-limit counts, one JSON error body for 429 and
500, CORS that lets a browser script read what it needs."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from incidents.api.views import IncidentViewSet

pytestmark = pytest.mark.django_db

ORIGIN = "https://newsroom.example"


@pytest.fixture
def three_per_minute(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")


def test_it_counts_down_the_rate_limit_in_headers(api, three_per_minute):
    first = api.get("/api/v1/incidents/")
    second = api.get("/api/v1/taxonomies/")

    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("3", "2")
    assert (second["RateLimit-Limit"], second["RateLimit-Remaining"]) == ("3", "1")
    assert 0 < int(second["RateLimit-Reset"]) <= 60


@pytest.mark.parametrize(
    "path",
    ["/api/v1/incidents/", "/api/v1/datasets/", "/api/v1/merged/incidents/", "/api/v1/search/"],
)
def test_it_answers_429_in_the_error_format(api, three_per_minute, path):
    for _ in range(3):
        api.get(path)

    response = api.get(path)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["field"] is None
    assert "throttled" in error["message"].lower()
    assert int(response["Retry-After"]) > 0
    assert response["RateLimit-Remaining"] == "0"


def test_it_answers_an_unexpected_error_as_json_500(db, monkeypatch):
    def explode(self, request, *args, **kwargs):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    monkeypatch.setattr(IncidentViewSet, "list", explode)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/incidents/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["field"] is None
    assert "boom" not in response.content.decode()


def test_it_exposes_caching_and_retry_headers_to_other_origins(api, catalog):
    response = api.get("/api/v1/incidents/", HTTP_ORIGIN=ORIGIN)

    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after", "ratelimit-remaining", "deprecation", "sunset"} <= exposed


def test_it_allows_conditional_requests_from_other_origins(api, db):
    response = api.options(
        "/api/v1/incidents/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 200
    assert "if-none-match" in response["Access-Control-Allow-Headers"]


def test_it_allows_posting_an_estimate_from_other_origins(api, db):
    response = api.options(
        "/api/v1/estimate/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )

    assert response.status_code == 200
    assert "POST" in response["Access-Control-Allow-Methods"]
