import pytest

from incidents.models import EntityRedirect
from tests.factories.catalog import IncidentEntityFactory
from tests.factories.incidents import EntityFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_it_lists_entities_with_their_incident_counts(client):
    acme = EntityFactory(slug="acme", name="Acme")
    for _ in range(2):
        IncidentEntityFactory(incident=IncidentFactory(), entity=acme)

    html = client.get("/entities/").content.decode()

    assert '<a href="/entities/acme/">Acme</a> <span class="count">2 incidents</span>' in html


def test_it_filters_entities_by_name(client):
    EntityFactory(slug="acme", name="Acme")
    EntityFactory(slug="globex", name="Globex")

    response = client.get("/entities/", {"q": "glob"})

    assert [e.slug for e in response.context["page_obj"].object_list] == ["globex"]


def test_it_shows_an_entitys_incidents_by_role(client):
    acme = EntityFactory(slug="acme", name="Acme")
    deployed = IncidentFactory(title="Deployed badly")
    harmed = IncidentFactory(title="Acme was harmed")
    IncidentEntityFactory(incident=deployed, entity=acme, role="deployer")
    IncidentEntityFactory(incident=harmed, entity=acme, role="harmed")

    response = client.get("/entities/acme/")

    assert response.status_code == 200
    assert [
        (role, [i.title for i in incidents])
        for role, incidents in response.context["page"].incidents_by_role
    ] == [
        ("Alleged deployer of AI system", ["Deployed badly"]),
        ("Alleged harmed or nearly harmed parties", ["Acme was harmed"]),
    ]


def test_it_redirects_a_merged_entity_slug(client):
    acme = EntityFactory(slug="acme")
    EntityRedirect.objects.create(old_slug="acme-corp", target=acme)

    response = client.get("/entities/acme-corp/")

    assert response.status_code == 301
    assert response["Location"] == "/entities/acme/?merged_from=acme-corp"


def test_it_answers_404_for_an_unknown_entity(client):
    assert client.get("/entities/nobody/").status_code == 404
