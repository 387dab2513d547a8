"""The relevance tests against a real Elasticsearch cluster, when ELASTICSEARCH_URL is set.

    ELASTICSEARCH_URL=http://127.0.0.1:9200 TEST_DATABASE_NAME=test_search \
        .venv/bin/pytest tests/search/test_es_integration.py
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.search.corpus import EXPECTED_FIRST, TYPO_EXPECTED_FIRST

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "").strip()

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not ELASTICSEARCH_URL,
        reason="Elasticsearch integration skipped: set ELASTICSEARCH_URL to a test cluster",
    ),
]

# The cluster corrects typos by fuzziness rather than by a suggestion: same expected firsts.
ES_EXPECTED_FIRST = EXPECTED_FIRST + TYPO_EXPECTED_FIRST


@pytest.fixture
def es_corpus(corpus, settings):  # noqa: ANN001, ANN201
    from search import es
    from search.es_index import search_rebuild_elasticsearch

    settings.ELASTICSEARCH_URL = ELASTICSEARCH_URL
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"registry-test-{uuid.uuid4().hex[:8]}"
    es.es_client.cache_clear()
    name = search_rebuild_elasticsearch(suffix="1")
    yield corpus
    es.es_client().indices.delete(index=name, ignore_unavailable=True)
    es.es_client.cache_clear()


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), ES_EXPECTED_FIRST)
def test_it_ranks_the_expected_incident_first_on_the_cluster(es_corpus, text, expected) -> None:  # noqa: ANN001
    from search.engine import SearchQuery
    from search.es import ElasticsearchEngine
    from search.query import parse_query

    result = ElasticsearchEngine().search(SearchQuery(parsed=parse_query(text)))

    assert es_corpus.key_of(result.hits[0].id) == expected


@pytest.mark.django_db
def test_it_counts_facets_on_the_cluster_as_postgres_does(es_corpus) -> None:  # noqa: ANN001
    from search.engine import SearchQuery
    from search.es import ElasticsearchEngine
    from search.pg import PostgresEngine
    from search.query import parse_query

    query = SearchQuery(parsed=parse_query("chatbot"))
    on_cluster = ElasticsearchEngine().search(query)
    on_postgres = PostgresEngine().search(query)

    def counts(result):  # noqa: ANN001, ANN202
        return {(f.name, v.value): v.count for f in result.facets for v in f.values}

    assert counts(on_cluster) == counts(on_postgres)
