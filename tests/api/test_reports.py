from __future__ import annotations

import pytest

from tests.factories.api import RISK_DOMAIN

pytestmark = pytest.mark.django_db

REPORT_FIELDS = [
    "number",
    "report_number",
    "title",
    "url",
    "source_domain",
    "language",
    "kind",
    "authors",
    "submitters",
    "tags",
    "date_published",
    "date_downloaded",
    "date_submitted",
    "date_modified",
    "description",
    "image_url",
    "flagged",
    "incidents",
    "incident_ids",
    "classifications",
    "source",
    "source_license",
    "source_attribution",
    "created_at",
    "modified_at",
    "permalink",
]


def test_it_lists_reports_with_exact_fields_and_no_text(api, catalog):
    rows = api.get("/api/v1/reports/").json()["results"]
    assert [list(row) for row in rows] == [REPORT_FIELDS] * 3


def test_it_shows_a_report_with_its_text_and_incidents(api, catalog):
    shared = catalog.reports[1]
    body = api.get(f"/api/v1/reports/{shared.number}/").json()
    assert list(body) == [*REPORT_FIELDS, "text"]
    assert body["incidents"] == sorted(i.id for i in catalog.incidents)
    assert body["source_domain"] == "weekly.example.org"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=issue", [2]),
        ("language=fr", [1]),
        ("source_domain=news.example.com", [0]),
        ("entity=youtube", [1]),
        ("date_published_after=2020-01-20", [0, 1]),
        ("flagged=false", [0, 1, 2]),
        (f"classification=MIT:Risk Domain:{RISK_DOMAIN}", [0, 1]),
    ],
)
def test_it_filters_reports(api, catalog, query, expected):
    rows = api.get(f"/api/v1/reports/?{query}&ordering=number").json()["results"]
    assert [row["number"] for row in rows] == [catalog.reports[i].number for i in expected]


def test_it_filters_reports_by_incident(api, catalog):
    kids = catalog.incidents[1]
    rows = api.get(f"/api/v1/reports/?incident={kids.id}").json()["results"]
    assert [row["number"] for row in rows] == [catalog.reports[1].number]


def test_it_refuses_a_non_integer_incident_naming_the_parameter(api, catalog):
    response = api.get("/api/v1/reports/?incident=1.5")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "incident", "message": "Enter a whole number."}]
    }


def test_it_refuses_an_unknown_report_kind(api, catalog):
    response = api.get("/api/v1/reports/?kind=rumour")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"
