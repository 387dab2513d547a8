"""The search page: works without JavaScript, shareable URLs, facets as links."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_highlighted_hits(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "robocall voters"})

    assert response.status_code == 200
    assert "<mark>voters</mark>" in response.content.decode()


def test_it_links_each_facet_value_to_the_filtered_search(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "chatbot"})

    assert 'href="?q=chatbot&amp;facet=domain%3Avice.com"' in response.content.decode()


def test_it_applies_a_facet_from_the_url(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "chatbot", "facet": "domain:vice.com"})

    hits = response.context["result"].hits
    assert [corpus.key_of(hit.id) for hit in hits] == ["chatbot_suicide"]


def test_it_offers_the_correction_of_a_typo(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "chatbto suicde"})

    assert (
        'Did you mean <a href="?q=chatbot+suicide">chatbot suicide</a>?'
        in response.content.decode()
    )
    assert response.context["result"].hits == ()


def test_it_answers_400_with_the_reason_for_an_unknown_facet(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "chatbot", "facet": "colour:blue"})

    assert response.status_code == 400
    assert "Unknown facet &#x27;colour&#x27;" in response.content.decode()


def test_it_links_the_export_of_the_same_query(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "chatbot", "sort": "newest", "page": "1"})

    assert 'href="export.csv?q=chatbot&amp;sort=newest"' in response.content.decode()


def test_it_lists_reports_when_asked_for_every_report(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": "suicide", "type": "report"})

    assert [hit.type for hit in response.context["result"].hits] == ["report", "report"]
