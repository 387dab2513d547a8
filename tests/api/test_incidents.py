from __future__ import annotations

import datetime

import pytest

from incidents.models import Incident, IncidentRedirect
from tests.factories.api import RISK_DOMAIN, make_incident

pytestmark = pytest.mark.django_db

INCIDENT_FIELDS = [
    "id",
    "incident_id",
    "title",
    "description",
    "date",
    "date_precision",
    "entities",
    "reports",
    "classifications",
    "editors",
    "source",
    "source_license",
    "source_attribution",
    "created_at",
    "modified_at",
    "permalink",
]


def test_it_lists_incidents_with_exact_fields(api, catalog):
    response = api.get("/api/v1/incidents/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["next", "previous", "results"]
    assert [list(row) for row in body["results"]] == [INCIDENT_FIELDS, INCIDENT_FIELDS]


def test_it_shows_entities_by_role_reports_and_public_classification_values(api, catalog):
    shuttle = catalog.incidents[0]
    body = api.get(f"/api/v1/incidents/{shuttle.id}/").json()
    assert body["entities"] == {
        "deployer": [{"slug": "keolis", "name": "Keolis"}],
        "developer": [{"slug": "navya", "name": "Navya"}],
        "harmed": [{"slug": "bus-passengers", "name": "Bus Passengers"}],
        "implicated_system": [],
    }
    assert body["reports"] == [catalog.reports[0].number, catalog.reports[1].number]
    assert body["classifications"] == [
        {"namespace": "MIT", "values": {"Risk Domain": RISK_DOMAIN, "Intent": "Unintentional"}}
    ]
    assert body["date"] == "2017-11-08"
    assert body["permalink"].endswith(f"/incidents/{shuttle.id}/")


def test_it_hides_unpublished_classifications(api, catalog):
    kids = catalog.incidents[1]
    assert api.get(f"/api/v1/incidents/{kids.id}/").json()["classifications"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("deployer=keolis", [0]),
        ("developer=keolis", []),
        ("entity=children", [1]),
        ("harmed=children", [1]),
        ("date_after=2016-01-01", [0]),
        ("date_before=2016-01-01", [1]),
        ("language=fr", [0, 1]),
        ("source_domain=news.example.com", [0]),
        ("report_kind=incident_report", [0, 1]),
        ("report_kind=issue", []),
        (f"classification=MIT:Risk Domain:{RISK_DOMAIN}", [0]),
        ("classification=MIT:Intent:Unintentional&classification=MIT:Intent:Intentional", []),
    ],
)
def test_it_filters_incidents(api, catalog, query, expected):
    body = api.get(f"/api/v1/incidents/?{query}&ordering=id").json()
    assert [row["id"] for row in body["results"]] == [catalog.incidents[i].id for i in expected]


def test_it_does_not_match_an_unpublished_classification(api, catalog):
    body = api.get(
        "/api/v1/incidents/", {"classification": "MIT:Risk Domain:1. Discrimination and Toxicity"}
    ).json()
    assert body["results"] == []


def test_it_refuses_a_facet_on_a_hidden_field_naming_the_parameter(api, catalog):
    response = api.get("/api/v1/incidents/", {"classification": "MIT:Annotator notes:secret"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["classification"]


def test_it_orders_incidents_by_date_with_undated_last(api, catalog):
    undated = make_incident("Undated incident", date=None)
    body = api.get("/api/v1/incidents/?ordering=-date").json()
    assert [row["id"] for row in body["results"]] == [
        catalog.incidents[0].id,
        catalog.incidents[1].id,
        undated.id,
    ]


def test_it_walks_every_incident_through_cursor_pages(api, db):
    created = [make_incident(f"Incident {n}", date=datetime.date(2020, 1, 1)) for n in range(7)]
    seen, url = [], "/api/v1/incidents/?page_size=3&ordering=date"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(i.id for i in created)
    assert len(seen) == 7


def test_it_redirects_a_merged_incident_id(api, catalog):
    IncidentRedirect.objects.create(old_id=999, target=catalog.incidents[0])
    response = api.get("/api/v1/incidents/999/")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/incidents/{catalog.incidents[0].id}/"


@pytest.mark.parametrize("key", ["424242", "0", "-3", "abc", "99999999999999"])
def test_it_answers_404_in_the_error_format_for_a_missing_incident(api, catalog, key):
    response = api.get(f"/api/v1/incidents/{key}/")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "Not found."}]}


def test_it_exports_every_filtered_incident_as_csv(api, catalog):
    for n in range(3):
        make_incident(f"Extra {n}", roles={"deployer": ["keolis"]})
    response = api.get("/api/v1/incidents/?format=csv&deployer=keolis&page_size=1&ordering=id")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == (
        "id,incident_id,title,description,date,date_precision,"
        "Alleged deployer of AI system,Alleged developer of AI system,"
        "Alleged harmed or nearly harmed parties,implicated_systems,reports,classifications,"
        "editors,source,source_license,source_attribution,created_at,modified_at,permalink"
    )
    assert len(lines) == 5
    shuttle = catalog.incidents[0].id
    assert lines[1].startswith(f"{shuttle},{shuttle},Self-driving shuttle collides")
    # Multi-valued cells are JSON arrays of entity slugs, as the AIID writes them.
    assert ',"[""keolis""]","[""navya""]","[""bus-passengers""]",[],' in lines[1]


def test_it_defuses_formula_cells_in_csv(api, db):
    make_incident('=HYPERLINK("http://evil.example")')
    text = b"".join(api.get("/api/v1/incidents/?format=csv").streaming_content).decode()
    assert ',"\'=HYPERLINK(""http://evil.example"")",' in text


def test_it_counts_incidents_in_the_database(catalog):
    assert Incident.objects.count() == 2
