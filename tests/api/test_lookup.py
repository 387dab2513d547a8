from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_finds_a_url_after_normalisation(api, catalog):
    response = api.get("/api/v1/lookup/", {"url": "http://news.example.com/shuttle/#top"})
    assert response.status_code == 200
    assert response.json() == {
        "url": "http://news.example.com/shuttle/#top",
        "url_normalised": "news.example.com/shuttle",
        "found": True,
        "reports": [
            {
                "number": catalog.reports[0].number,
                "title": "Shuttle crash on first day",
                "url": "https://www.news.example.com/shuttle?utm_source=x",
                "incidents": [catalog.incidents[0].id],
            }
        ],
        "incidents": [catalog.incidents[0].id],
    }


def test_it_answers_not_found_for_a_new_url(api, catalog):
    body = api.get("/api/v1/lookup/", {"url": "https://elsewhere.example/x"}).json()
    assert (body["found"], body["reports"], body["incidents"]) == (False, [], [])


def test_it_requires_the_url_parameter(api, catalog):
    response = api.get("/api/v1/lookup/")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "url", "message": "This parameter is required."}]
    }
