"""Similar incidents from the text: on the incident page and for a proposed incident."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from incidents.models import IncidentLink
from search.similarity import similar_incidents, similar_incidents_for_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_it_finds_the_incident_about_the_same_thing(corpus) -> None:  # noqa: ANN001
    found = similar_incidents(corpus.incidents["detroit_arrest"].id)

    assert corpus.key_of(found[0].id) == "rite_aid_shoppers"


def test_it_never_lists_the_incident_itself(corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["tay_tweets"]

    assert incident.id not in [item.id for item in similar_incidents(incident.id)]


def test_it_leaves_out_incidents_editors_already_linked(corpus) -> None:  # noqa: ANN001
    detroit, rite_aid = corpus.incidents["detroit_arrest"], corpus.incidents["rite_aid_shoppers"]
    IncidentLink.objects.create(incident=detroit, other=rite_aid, kind="dissimilar")

    assert rite_aid.id not in [item.id for item in similar_incidents(detroit.id)]


def test_it_warns_of_a_duplicate_of_a_proposed_incident(corpus) -> None:  # noqa: ANN001
    found = similar_incidents_for_text(
        title="Chatbot urged man towards suicide, Belgian widow says",
        text="After weeks of chatting with an AI chatbot, a man took his own life.",
    )

    assert corpus.key_of(found[0].id) == "chatbot_suicide"


def test_it_shows_the_list_on_the_incident_page(client, corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["detroit_arrest"]

    response = client.get(f"/incidents/{incident.id}/")

    html = response.content.decode()
    assert "Similar by their text" in html
    assert f'href="/incidents/{corpus.incidents["rite_aid_shoppers"].id}/"' in html
