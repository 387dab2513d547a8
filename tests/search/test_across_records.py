"""The default search shows disclosures and AI systems beside incidents, and never replaces
a model's or a system's exact name by a "did you mean"."""

from __future__ import annotations

import pytest

from emissions.services.system_links import system_link_create
from incidents.indexing import refresh_search_vectors
from tests.factories.catalog import IncidentEntityFactory
from tests.factories.emissions import DisclosureFactory
from tests.factories.incidents import EntityFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bloom(world):
    # "blood" is a word of the incident titles: the word "did you mean" used to replace BLOOM.
    incident = IncidentFactory(
        title="Blood test start-up's device gave wrong results",
        description="Blood samples were misread.",
    )
    refresh_search_vectors(incident_ids=[incident.pk])
    system = EntityFactory(slug="bloom", name="BLOOM")
    disclosure = DisclosureFactory(model_name="BLOOM", model_version="176B", state="verified")
    system_link_create(
        actor=world.editor,
        system_id=system.pk,
        relation="is",
        disclosure_id=disclosure.pk,
        source="The model's paper, arXiv:2211.02001",
    )
    return system, disclosure


def test_it_never_replaces_an_exact_model_name_by_a_suggestion(client, bloom):
    html = client.get("/search/", {"q": "BLOOM"}).content.decode()

    assert "blood" not in html.lower().split("<main", 1)[1]
    assert "Did you mean" not in html
    assert "Showing results for" not in html


def test_it_shows_the_disclosure_and_the_system_in_the_default_results(client, bloom):
    system, disclosure = bloom

    html = client.get("/search/", {"q": "BLOOM"}).content.decode()

    assert '<span class="item-id">AI system</span> · 0 incidents · 1 verified footprint' in html
    assert '<a href="/systems/bloom/">BLOOM</a>' in html
    assert f'<span class="item-id">Disclosure #{disclosure.pk}</span>' in html
    assert f'href="/disclosures/{disclosure.pk}/"' in html


def test_it_shows_a_system_with_incidents_by_a_word_of_its_name(client, world):
    system = EntityFactory(slug="bing-chat", name="Bing Chat")
    IncidentEntityFactory(incident=IncidentFactory(), entity=system, role="implicated_system")

    html = client.get("/search/", {"q": "bing"}).content.decode()

    assert '<a href="/systems/bing-chat/">Bing Chat</a>' in html


def test_it_keeps_unverified_disclosures_out_of_a_visitors_results(client, world):
    DisclosureFactory(model_name="Secret model", state="submitted")

    html = client.get("/search/", {"q": "Secret model"}).content.decode()

    assert "Disclosure #" not in html


def test_it_still_offers_a_typo_correction_as_a_link_only(client, bloom):
    html = client.get("/search/", {"q": "blod"}).content.decode()

    assert 'Did you mean <a href="?q=blood">blood</a>?' in html
    assert "No results" in html


class SuggestingEngine:
    """An engine whose suggester proposes a word, finding `found` hits for it."""

    name = "elasticsearch"

    def __init__(self, found: int) -> None:
        self.found = found

    def search(self, query):  # noqa: ANN001, ANN201
        from search.engine import SearchResult

        if query.parsed.text == "blood":
            return SearchResult(query=query, hits=(), total=self.found)
        return SearchResult(query=query, hits=(), total=0, suggestion="blood")


@pytest.mark.parametrize(("found", "offered"), [(0, None), (3, "blood")])
def test_it_offers_a_cluster_suggestion_only_when_it_finds_more(monkeypatch, db, found, offered):
    from search import service
    from search.engine import SearchQuery
    from search.query import parse_query

    monkeypatch.setattr(service, "get_engine", lambda name=None: SuggestingEngine(found))

    result = service.search_run(SearchQuery(parsed=parse_query("blod")))

    assert result.suggestion == offered
