"""Searching emissions disclosures: verified ones for the public, the owner's own for them."""

from __future__ import annotations

import pytest

from search.engine import SearchQuery
from search.pg import PostgresEngine
from search.query import parse_query
from tests.factories.emissions import T5_RUN, DisclosureFactory

pytestmark = pytest.mark.django_db

A100_FRANCE = {**T5_RUN, "accelerator": "A100 SXM4 80GB", "location": {"country": "FRA"}}


@pytest.fixture
def disclosures(world):  # noqa: ANN001, ANN201
    return {
        "bloom": DisclosureFactory(
            model_name="BLOOM",
            organisation="BigScience",
            state="verified",
            runs=[A100_FRANCE],
            owner=world.researcher,
        ),
        "t5": DisclosureFactory(
            model_name="T5", organisation="Google", state="verified", owner=world.other_researcher
        ),
        "draft": DisclosureFactory(
            model_name="GPT Draft",
            organisation="Lab B",
            state="draft",
            runs=[A100_FRANCE],
            owner=world.other_researcher,
        ),
    }


def search(text: str, user: object = None, **options: object):  # noqa: ANN201
    query = SearchQuery(parsed=parse_query(text), type="disclosure", user=user, **options)
    return PostgresEngine().search(query)


def test_it_finds_hardware_and_country_by_name(disclosures) -> None:  # noqa: ANN001
    result = search("A100 France")

    assert [hit.id for hit in result.hits] == [disclosures["bloom"].id]


def test_it_shows_the_public_verified_disclosures_only(disclosures) -> None:  # noqa: ANN001
    result = search("")

    assert {hit.id for hit in result.hits} == {disclosures["bloom"].id, disclosures["t5"].id}


def test_it_shows_owners_their_drafts(disclosures, world) -> None:  # noqa: ANN001
    result = search("GPT", user=world.other_researcher)

    assert [hit.id for hit in result.hits] == [disclosures["draft"].id]


def test_it_counts_hardware_country_organisation_and_state(disclosures) -> None:  # noqa: ANN001
    result = search("")

    counts = {(f.name, v.value): v.count for f in result.facets for v in f.values}
    assert counts[("hardware", "A100 SXM4 80GB")] == 1
    assert counts[("hardware", "TPU v3")] == 1
    assert counts[("country", "FRA")] == 1
    assert counts[("organisation", "Google")] == 1
    assert counts[("state", "verified")] == 2


def test_it_filters_by_a_facet(disclosures) -> None:  # noqa: ANN001
    result = search("", facets={"hardware": ("TPU v3",)})

    assert [hit.id for hit in result.hits] == [disclosures["t5"].id]


def test_it_pages_disclosures_in_the_api(client, disclosures) -> None:  # noqa: ANN001
    body = client.get("/api/v1/search/", {"type": "disclosure", "q": "bloom"}).json()

    assert [(h["type"], h["id"]) for h in body["hits"]] == [("disclosure", disclosures["bloom"].id)]


def test_it_exports_disclosures(client, disclosures) -> None:  # noqa: ANN001
    response = client.get("/search/export.csv", {"type": "disclosure"})

    text = b"".join(response.streaming_content).decode()
    assert "BLOOM" in text
    assert "GPT Draft" not in text
