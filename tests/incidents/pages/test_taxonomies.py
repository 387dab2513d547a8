import pytest

from tests.factories.catalog import TaxonomyFactory, TaxonomyFieldFactory, classify
from tests.factories.incidents import IncidentFactory

pytestmark = pytest.mark.django_db


def test_it_lists_public_taxonomies_only_to_anonymous_visitors(client):
    TaxonomyFactory(namespace="MIT", name="MIT risk repository")
    TaxonomyFactory(namespace="SECRET", name="Internal scheme", public=False)

    html = client.get("/taxonomies/").content.decode()

    assert "MIT risk repository" in html
    assert "Internal scheme" not in html


def test_it_counts_incidents_per_permitted_value(client):
    mit = TaxonomyFactory(namespace="MIT")
    TaxonomyFieldFactory(
        taxonomy=mit,
        short_name="Risk Domain",
        permitted_values=["1. Discrimination and Toxicity", "3. Misinformation"],
    )
    for _ in range(2):
        classify(IncidentFactory(), mit, {"Risk Domain": "3. Misinformation"})

    response = client.get("/taxonomies/MIT/")

    [summary] = response.context["page"].fields
    assert [(v.value, v.incident_count) for v in summary.values] == [
        ("1. Discrimination and Toxicity", 0),
        ("3. Misinformation", 2),
    ]
    assert (
        '<a href="/incidents/?taxonomy=MIT%3ARisk%20Domain%3A3.%20Misinformation">'
        "3. Misinformation</a>"
    ) in response.content.decode()


def test_it_lists_the_most_used_values_of_a_field_without_permitted_values(client):
    gmf = TaxonomyFactory(namespace="GMF")
    classify(IncidentFactory(), gmf, {"Known AI Technology": ["Transformer", "Chatbot"]})
    classify(IncidentFactory(), gmf, {"Known AI Technology": ["Chatbot"]})

    [summary] = client.get("/taxonomies/GMF/").context["page"].fields

    assert [(v.value, v.incident_count) for v in summary.values] == [
        ("Chatbot", 2),
        ("Transformer", 1),
    ]


def test_it_answers_404_for_a_private_taxonomy_to_anonymous_visitors(client):
    TaxonomyFactory(namespace="SECRET", public=False)

    assert client.get("/taxonomies/SECRET/").status_code == 404


def test_it_answers_404_for_an_unknown_taxonomy(client):
    assert client.get("/taxonomies/NOPE/").status_code == 404
