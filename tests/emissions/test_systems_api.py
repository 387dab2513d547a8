"""/api/v1/systems/: the join of a system's incidents and its models' footprints."""

from __future__ import annotations

import datetime

from emissions.services.system_links import system_link_create
from tests.emissions.conftest import make_disclosure
from tests.factories.catalog import IncidentEntityFactory
from tests.factories.incidents import EntityFactory, IncidentFactory

SOURCE = "https://example.org/announcement"


def build(world):
    system = EntityFactory(slug="chatgpt", name="ChatGPT")
    incident = IncidentFactory(title="Chatbot invents cases", date=datetime.date(2023, 5, 1))
    IncidentEntityFactory(incident=incident, entity=system, role="implicated_system")
    gpt3 = make_disclosure(world, "verified", model_name="GPT-3", arxiv_id="2005.14165")
    pending = make_disclosure(world, "submitted", model_name="GPT-4")
    for disclosure, relation, name in (
        (None, "fine_tuned_from", "GPT-3.5"),
        (gpt3, "same_family", ""),
        (pending, "built_on", ""),
    ):
        system_link_create(
            actor=world.editor,
            system_id=system.pk,
            relation=relation,
            model_name=name,
            disclosure_id=disclosure.pk if disclosure else None,
            source=SOURCE,
        )
    return system, incident, gpt3


def test_it_lists_linked_systems_with_counts(client, world):
    build(world)
    EntityFactory(slug="unlinked")

    body = client.get("/api/v1/systems/").json()

    assert body["results"] == [
        {
            "slug": "chatgpt",
            "name": "ChatGPT",
            "incident_count": 1,
            "footprint_count": 1,
            "url": "/systems/chatgpt/",
        }
    ]


def test_it_joins_incidents_and_footprints_for_one_system(client, world):
    _, incident, gpt3 = build(world)
    recomputation = gpt3.recomputations.get()

    body = client.get("/api/v1/systems/chatgpt/").json()

    assert body["incidents"] == [
        {
            "id": incident.pk,
            "title": "Chatbot invents cases",
            "date": "2023-05-01",
            "roles": ["Implicated AI system"],
        }
    ]
    assert body["incidents_per_year"] == {"2023": 1}
    by_model = {f["model_name"]: f for f in body["footprints"]}
    assert sorted(by_model) == ["GPT-3", "GPT-3.5", "GPT-4"]
    assert by_model["GPT-3"]["disclosure"]["id"] == gpt3.pk
    assert by_model["GPT-3"]["recomputed_gross_tco2e"] == recomputation.gross_tco2e
    assert (by_model["GPT-3"]["verdict"], by_model["GPT-3"]["year"]) == (
        recomputation.verdict,
        2020,
    )
    assert by_model["GPT-3"]["hardware"] == ["TPU v3"]
    # Neither the undisclosed model nor the unverified disclosure carries a figure.
    for name in ("GPT-3.5", "GPT-4"):
        assert (by_model[name]["disclosure"], by_model[name]["recomputed_gross_tco2e"]) == (
            None,
            None,
        )
    assert body["total_direct_tco2e"] is None


def test_it_answers_404_in_the_error_format_for_an_unknown_system(client, db):
    response = client.get("/api/v1/systems/nobody/")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_it_publishes_both_routes_in_the_schema(client, db):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"/api/v1/systems/", "/api/v1/systems/{slug}/"} <= set(paths)
