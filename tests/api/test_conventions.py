from __future__ import annotations

import pytest
from rest_framework.throttling import AnonRateThrottle

from tests.factories.api import make_incident

pytestmark = pytest.mark.django_db


def test_it_refuses_unknown_query_parameters_naming_them(api, catalog):
    response = api.get("/api/v1/incidents/?deployr=keolis&colour=red")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"field": "colour", "message": "Unknown query parameter."},
            {"field": "deployr", "message": "Unknown query parameter."},
        ]
    }


def test_it_refuses_filters_on_a_detail_url(api, catalog):
    response = api.get(f"/api/v1/incidents/{catalog.incidents[0].id}/?deployer=keolis")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "deployer"


def test_it_names_a_malformed_date(api, catalog):
    response = api.get("/api/v1/incidents/?date_after=2020-13-45")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "date_after", "message": "Enter a valid date."}]
    }


def test_it_names_an_unknown_ordering(api, catalog):
    response = api.get("/api/v1/incidents/?ordering=title")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ordering"


def test_it_names_an_unknown_format(api, catalog):
    response = api.get("/api/v1/incidents/?format=xml")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "format", "message": "Unknown format: use json or csv."}]
    }


# "cD1hYmM=" decodes to "p=abc": a position that is not an id must not reach the database.
@pytest.mark.parametrize("cursor", ["garbage", "cD1hYmM=", "bz0tMQ=="])
def test_it_names_an_invalid_cursor(api, catalog, cursor):
    response = api.get(f"/api/v1/incidents/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "cursor", "message": "Invalid cursor."}]}


@pytest.mark.parametrize("size", ["0", "-1", "ten"])
def test_it_names_a_malformed_page_size(api, catalog, size):
    response = api.get(f"/api/v1/incidents/?page_size={size}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


def test_it_caps_huge_page_sizes_at_200(api, db):
    for n in range(205):
        make_incident(f"Incident {n}")
    rows = api.get("/api/v1/incidents/?page_size=1000000").json()["results"]
    assert len(rows) == 200


def test_it_answers_304_to_a_matching_etag(api, catalog):
    first = api.get("/api/v1/incidents/")
    assert first["ETag"].startswith('"')
    again = api.get("/api/v1/incidents/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_it_changes_the_etag_when_the_data_changes(api, catalog):
    first = api.get("/api/v1/incidents/")
    make_incident("A new incident")
    again = api.get("/api/v1/incidents/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200


def test_it_answers_304_since_last_modified(api, catalog):
    first = api.get(f"/api/v1/incidents/{catalog.incidents[0].id}/")
    assert first["Last-Modified"].endswith("GMT")
    again = api.get(
        f"/api/v1/incidents/{catalog.incidents[0].id}/",
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert again.status_code == 304


def test_it_allows_cross_origin_reads(api, catalog):
    response = api.get("/api/v1/incidents/", HTTP_ORIGIN="https://journal.example")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_it_throttles_anonymous_clients_with_retry_after(api, catalog, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    statuses = [api.get("/api/v1/taxonomies/").status_code for _ in range(3)]
    response = api.get("/api/v1/taxonomies/")
    assert statuses == [200, 200, 429]
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["field"] is None


def test_it_renders_errors_as_json_even_when_csv_was_asked(api, catalog):
    response = api.get("/api/v1/incidents/?format=csv&date_after=never")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_it_throttles_token_users_with_retry_after(api, catalog, world, monkeypatch):
    from rest_framework.authtoken.models import Token
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "1/min", raising=False)
    token = Token.objects.create(user=world.researcher)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/entities/").status_code == 200
    response = api.get("/api/v1/entities/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_it_refuses_writes_on_the_read_api(api, catalog):
    response = api.post("/api/v1/incidents/", {"title": "New"}, format="json")
    assert response.status_code == 405
    assert response.json() == {"errors": [{"field": None, "message": 'Method "POST" not allowed.'}]}
