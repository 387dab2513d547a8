from __future__ import annotations

import pytest

from incidents.models import EntityRedirect
from tests.factories.api import RISK_DOMAIN

pytestmark = pytest.mark.django_db


def test_it_lists_entities_with_exact_fields(api, catalog):
    rows = api.get("/api/v1/entities/").json()["results"]
    assert [row["slug"] for row in rows] == [
        "bus-passengers",
        "children",
        "keolis",
        "navya",
        "youtube",
    ]
    assert list(rows[0]) == [
        "slug",
        "entity_id",
        "name",
        "aliases",
        "description",
        "modified_at",
        "permalink",
    ]


def test_it_shows_an_entity_with_its_incidents_by_role(api, catalog):
    body = api.get("/api/v1/entities/keolis/").json()
    assert body["incidents"] == {
        "deployer": [catalog.incidents[0].id],
        "developer": [],
        "harmed": [],
        "implicated_system": [],
    }


def test_it_filters_entities_by_role(api, catalog):
    rows = api.get("/api/v1/entities/?role=harmed").json()["results"]
    assert [row["slug"] for row in rows] == ["bus-passengers", "children"]


def test_it_redirects_a_merged_entity_slug(api, catalog):
    EntityRedirect.objects.create(old_slug="keolis-na", target=catalog.entities["keolis"])
    response = api.get("/api/v1/entities/keolis-na/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/entities/keolis/"


def test_it_lists_taxonomies_with_their_public_fields_only(api, catalog):
    rows = api.get("/api/v1/taxonomies/").json()["results"]
    assert [(row["namespace"], [f["short_name"] for f in row["fields"]]) for row in rows] == [
        ("MIT", ["Risk Domain", "Intent"])
    ]
    assert list(rows[0]["fields"][0]) == [
        "field_number",
        "short_name",
        "long_name",
        "description",
        "display_type",
        "permitted_values",
        "weight",
        "instant_facet",
        "required",
    ]


def test_it_shows_one_taxonomy(api, catalog):
    body = api.get("/api/v1/taxonomies/MIT/").json()
    assert list(body) == ["namespace", "name", "description", "weight", "fields"]


def test_it_lists_published_classifications_with_public_values(api, catalog):
    rows = api.get("/api/v1/classifications/").json()["results"]
    assert rows == [
        {
            "id": rows[0]["id"],
            "namespace": "MIT",
            "incident": catalog.incidents[0].id,
            "report": None,
            "notes": "",
            "values": {"Risk Domain": RISK_DOMAIN, "Intent": "Unintentional"},
            "modified_at": rows[0]["modified_at"],
        }
    ]


def test_it_filters_classifications_by_facet(api, catalog):
    rows = api.get("/api/v1/classifications/", {"facet": "MIT:Intent:Intentional"}).json()
    assert rows["results"] == []


@pytest.mark.parametrize("url", ["/api/v1/entities/a%00b/", "/api/v1/taxonomies/M%00IT/"])
def test_it_answers_404_for_a_key_with_a_nul_byte(api, catalog, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "Not found."}]}
