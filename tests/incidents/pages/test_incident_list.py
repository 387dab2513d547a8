import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import EntityRedirect
from tests.factories.catalog import IncidentEntityFactory, TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def listed_ids(response) -> list[int]:
    return [incident.id for incident in response.context["page_obj"].object_list]


def test_it_lists_newest_first_by_default(client):
    old = IncidentFactory(date=datetime.date(2016, 1, 1))
    new = IncidentFactory(date=datetime.date(2023, 1, 1))
    undated = IncidentFactory(date=None)

    assert listed_ids(client.get("/incidents/")) == [new.id, old.id, undated.id]


@pytest.mark.parametrize("sort", ["oldest", "id", "reports"])
def test_it_sorts(client, sort):
    a = IncidentFactory(date=datetime.date(2020, 1, 1))
    b = IncidentFactory(date=datetime.date(2019, 1, 1))
    ReportFactory().incidents.add(a)
    expected = {"oldest": [b.id, a.id], "id": [a.id, b.id], "reports": [a.id, b.id]}[sort]

    assert listed_ids(client.get("/incidents/", {"sort": sort})) == expected


def test_it_filters_by_year(client):
    IncidentFactory(date=datetime.date(2019, 5, 1))
    wanted = IncidentFactory(date=datetime.date(2021, 5, 1))

    assert listed_ids(client.get("/incidents/", {"year": 2021})) == [wanted.id]


def test_it_filters_by_entity(client):
    wanted, _other = IncidentFactory(), IncidentFactory()
    IncidentEntityFactory(incident=wanted, entity=EntityFactory(slug="acme"))

    assert listed_ids(client.get("/incidents/", {"entity": "acme"})) == [wanted.id]


def test_it_filters_by_a_merged_entity_slug(client):
    wanted = IncidentFactory()
    acme = EntityFactory(slug="acme")
    IncidentEntityFactory(incident=wanted, entity=acme)
    EntityRedirect.objects.create(old_slug="acme-inc", target=acme)

    assert listed_ids(client.get("/incidents/", {"entity": "acme-inc"})) == [wanted.id]


def test_it_filters_by_taxonomy_value(client):
    mit = TaxonomyFactory(namespace="MIT")
    wanted, other = IncidentFactory(), IncidentFactory()
    classify(wanted, mit, {"Risk Domain": "3. Misinformation"})
    classify(other, mit, {"Risk Domain": "2. Privacy & Security"})

    response = client.get("/incidents/", {"taxonomy": "MIT:Risk Domain:3. Misinformation"})

    assert listed_ids(response) == [wanted.id]


def test_it_ignores_a_private_taxonomy_filter_for_anonymous_visitors(client):
    classify(
        IncidentFactory(),
        TaxonomyFactory(namespace="MIT"),
        {"Notes": "x"},
        private_fields=("Notes",),
    )

    assert listed_ids(client.get("/incidents/", {"taxonomy": "MIT:Notes:x"})) == []


def test_it_filters_by_report_kind(client):
    wanted, other = IncidentFactory(), IncidentFactory()
    ReportFactory(kind="response").incidents.add(wanted)
    ReportFactory(kind="incident_report").incidents.add(other)

    assert listed_ids(client.get("/incidents/", {"kind": "response"})) == [wanted.id]


def test_it_reports_an_unknown_filter_value_and_ignores_it(client):
    IncidentFactory()

    response = client.get("/incidents/", {"kind": "nonsense", "year": "abc"})

    assert response.status_code == 200
    assert len(listed_ids(response)) == 1
    assert "Some filters were not understood" in response.content.decode()


def test_it_paginates_25_per_page_keeping_the_filters(client):
    for _ in range(30):
        IncidentFactory(date=datetime.date(2020, 1, 1))

    first = client.get("/incidents/", {"year": 2020})
    second = client.get("/incidents/", {"year": 2020, "page": 2})

    assert len(listed_ids(first)) == 25
    assert len(listed_ids(second)) == 5
    assert 'href="?year=2020&amp;page=2"' in first.content.decode()


def test_it_shows_the_last_page_for_a_page_number_past_the_end(client):
    IncidentFactory()

    assert client.get("/incidents/", {"page": 99}).status_code == 200


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_takes_the_same_number_of_queries_whatever_the_page_holds(client):
    for _ in range(3):
        incident = IncidentFactory(date=datetime.date(2019, 1, 1))
        IncidentEntityFactory(incident=incident)
    few = count_queries(client, "/incidents/?year=2019")
    for _ in range(25):
        incident = IncidentFactory(date=datetime.date(2019, 1, 1))
        IncidentEntityFactory(incident=incident)
        ReportFactory().incidents.add(incident)

    assert count_queries(client, "/incidents/?year=2019") == few
