"""Elasticsearch down: the page and the API fall back to PostgreSQL with a visible notice;
writes still schedule the Elasticsearch sync."""

from __future__ import annotations

import pytest

from incidents.indexing import schedule_reindex
from search import es
from search.service import FALLBACK_NOTICE
from tests.search.es_fakes import down_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def elasticsearch_down(settings, monkeypatch):  # noqa: ANN001, ANN201
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://localhost:9"
    client = down_client()
    monkeypatch.setattr(es, "es_client", lambda: client)
    return client


def test_it_falls_back_to_postgres_with_a_notice_on_the_page(
    client,
    corpus,
    elasticsearch_down,  # noqa: ANN001
) -> None:
    response = client.get("/search/", {"q": "chatbot suicide"})

    result = response.context["result"]
    assert response.status_code == 200
    assert (result.engine, corpus.key_of(result.hits[0].id)) == ("postgres", "chatbot_suicide")
    assert FALLBACK_NOTICE in response.content.decode()


def test_it_falls_back_to_postgres_in_the_api(client, corpus, elasticsearch_down) -> None:  # noqa: ANN001
    body = client.get("/api/v1/search/", {"q": "chatbot suicide"}).json()

    assert (body["engine"], body["notices"]) == ("postgres", [FALLBACK_NOTICE])


def test_it_schedules_the_elasticsearch_sync_on_commit(
    corpus,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    settings.SEARCH_ENGINE = "elasticsearch"
    from search import tasks

    sent = []
    monkeypatch.setattr(tasks.search_sync_documents, "delay", lambda **kw: sent.append(kw))
    incident = corpus.incidents["tay_tweets"]

    with django_capture_on_commit_callbacks(execute=True):
        schedule_reindex(incident_ids=[incident.id], report_numbers=[7])

    assert sent == [{"incident_ids": [incident.id], "report_numbers": [7]}]


def test_it_does_not_schedule_the_sync_without_elasticsearch(
    corpus,
    monkeypatch,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    from search import tasks

    sent = []
    monkeypatch.setattr(tasks.search_sync_documents, "delay", lambda **kw: sent.append(kw))

    with django_capture_on_commit_callbacks(execute=True):
        schedule_reindex(incident_ids=[corpus.incidents["tay_tweets"].id])

    assert sent == []


def test_it_logs_rather_than_raises_when_the_sync_finds_the_cluster_down(
    corpus,
    elasticsearch_down,  # noqa: ANN001
) -> None:
    from search.tasks import search_sync_documents

    incident = corpus.incidents["tay_tweets"]

    assert search_sync_documents(incident_ids=[incident.id]) == {"indexed": 0, "failed": 1}
