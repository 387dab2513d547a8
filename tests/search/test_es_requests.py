"""The Elasticsearch engine, tested on the requests it sends (no cluster: see es_fakes.py)."""

from __future__ import annotations

import datetime

import pytest
from elasticsearch.dsl import Q

from search.engine import SearchQuery
from search.es import (
    TEXT_FIELDS,
    ElasticsearchEngine,
    build_search,
    catalog_index,
    text_query,
)
from search.es_index import document_actions, search_sync_elasticsearch
from search.query import parse_query
from tests.search.es_fakes import bulk_lines, recording_client

FUZZY = {"fields": TEXT_FIELDS, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1}


def word(text: str) -> Q:
    return Q("multi_match", query=text, **FUZZY)


def test_it_maps_texts_with_the_registry_english_analyser() -> None:
    body = catalog_index("registry-catalog-1").to_dict()

    assert body["settings"]["analysis"] == {
        "analyzer": {
            "registry_english": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "registry_english_possessive",
                    "lowercase",
                    "asciifolding",
                    "registry_english_stop",
                    "registry_english_stemmer",
                ],
            }
        },
        "filter": {
            "registry_english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "registry_english_stop": {"type": "stop", "stopwords": "_english_"},
            "registry_english_stemmer": {"type": "stemmer", "language": "english"},
        },
    }
    properties = body["mappings"]["properties"]
    assert properties["incident_title"] == {"type": "text", "analyzer": "registry_english"}
    assert properties["facets"] == {"type": "keyword"}
    assert properties["incident_id"] == {"type": "integer"}


def test_it_ands_words_and_ors_alternatives() -> None:
    query = text_query(parse_query("deepfake election or vote"))

    expected = Q(
        "bool",
        must=[
            word("deepfake"),
            Q("bool", should=[word("election"), word("vote")], minimum_should_match=1),
        ],
        must_not=[],
    )
    assert query.to_dict() == expected.to_dict()


def test_it_matches_quoted_phrases_and_excludes_exact_words() -> None:
    query = text_query(parse_query('"facial recognition" -video'))

    expected = Q(
        "bool",
        must=[Q("multi_match", query="facial recognition", type="phrase", fields=TEXT_FIELDS)],
        must_not=[Q("multi_match", query="video", fields=TEXT_FIELDS, operator="and")],
    )
    assert query.to_dict() == expected.to_dict()


def test_it_collapses_on_the_incident_and_counts_distinct_incidents() -> None:
    body = build_search(SearchQuery(parsed=parse_query("chatbot")), client=object()).to_dict()

    assert body["collapse"] == {"field": "incident_id"}
    assert body["aggs"]["incidents"] == {
        "cardinality": {"field": "incident_id", "precision_threshold": 3000}
    }


def test_it_does_not_collapse_every_report() -> None:
    body = build_search(
        SearchQuery(parsed=parse_query("chatbot"), type="report"), client=object()
    ).to_dict()

    assert "collapse" not in body
    assert body["query"]["bool"]["filter"] == [{"term": {"doc_type": "report"}}]


def test_it_filters_facets_dates_and_incidents() -> None:
    query = SearchQuery(
        parsed=parse_query("chatbot"),
        type="report",
        facets={"domain": ("vice.com", "bbc.co.uk"), "author": ("jane doe",)},
        date_from=datetime.date(2020, 1, 1),
        date_to=datetime.date(2021, 12, 31),
        incident_ids=(4,),
    )

    body = build_search(query, client=object()).to_dict()

    assert body["query"]["bool"]["filter"] == [
        Q("term", doc_type="report").to_dict(),
        Q("terms", filters=["author:jane doe"]).to_dict(),
        Q("terms", facets=["domain:vice.com", "domain:bbc.co.uk"]).to_dict(),
        Q("terms", incident_ids=[4]).to_dict(),
        Q("range", incident_date={"gte": "2020-01-01", "lte": "2021-12-31"}).to_dict(),
    ]


def test_it_asks_for_each_facet_and_the_selected_values() -> None:
    query = SearchQuery(parsed=parse_query("chatbot"), facets={"domain": ("vice.com",)})

    aggs = build_search(query, client=object()).to_dict()["aggs"]["facets"]

    assert aggs["filter"] == {"term": {"doc_type": "incident"}}
    assert aggs["aggs"]["domain"] == {
        "terms": {"field": "facets", "include": "domain:.*", "size": 10}
    }
    assert aggs["aggs"]["domain__selected"] == {
        "terms": {"field": "facets", "include": ["domain:vice.com"], "size": 1}
    }


def test_it_sorts_by_date_with_missing_dates_last() -> None:
    body = build_search(
        SearchQuery(parsed=parse_query("chatbot"), sort="newest"), client=object()
    ).to_dict()

    assert body["sort"] == [
        {"incident_date": {"order": "desc", "missing": "_last"}},
        {"record_id": "desc"},
    ]


def test_it_highlights_with_sentinels_the_page_escapes_around() -> None:
    body = build_search(SearchQuery(parsed=parse_query("chatbot")), client=object()).to_dict()

    assert body["highlight"]["pre_tags"] == ["\ue000"]
    assert body["highlight"]["post_tags"] == ["\ue001"]


def test_it_pages_with_from_and_size() -> None:
    body = build_search(
        SearchQuery(parsed=parse_query("chatbot"), page=3, page_size=10), client=object()
    ).to_dict()

    assert (body["from"], body["size"]) == (20, 10)


@pytest.mark.django_db
def test_it_sends_the_built_search_to_the_alias(corpus, settings) -> None:  # noqa: ANN001
    settings.ELASTICSEARCH_INDEX_PREFIX = "registry"
    client, transport = recording_client()
    query = SearchQuery(parsed=parse_query("chatbot"))

    ElasticsearchEngine(client=client).search(query)

    method, target, body = transport.requests[0]
    assert (method, target) == ("POST", "/registry-catalog/_search")
    assert body == build_search(query, client=client).to_dict()


@pytest.mark.django_db
def test_it_reads_hits_highlights_and_facets_from_the_response(corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["chatbot_suicide"]

    def answer(method: str, target: str, body: object) -> dict:
        return {
            "took": 3,
            "timed_out": False,
            "hits": {
                "total": {"value": 2, "relation": "eq"},
                "hits": [
                    {
                        "_index": "registry-catalog-1",
                        "_id": f"incident-{incident.id}",
                        "_score": 7.5,
                        "_source": {"incident_id": incident.id, "record_id": incident.id},
                        "highlight": {"incident_title": ["\ue000Chatbot\ue001 <b>talk</b>"]},
                    }
                ],
            },
            "aggregations": {
                "incidents": {"value": 1},
                "facets": {
                    "doc_count": 1,
                    "domain": {"buckets": [{"key": "domain:vice.com", "doc_count": 1}]},
                },
            },
        }

    client, _ = recording_client(answer)
    result = ElasticsearchEngine(client=client).search(SearchQuery(parsed=parse_query("chatbot")))

    assert (result.total, result.engine) == (1, "elasticsearch")
    assert [(h.id, h.title, h.score) for h in result.hits] == [(incident.id, incident.title, 7.5)]
    assert result.hits[0].snippet == "<mark>Chatbot</mark> &lt;b&gt;talk&lt;/b&gt;"
    assert [(v.value, v.count) for v in result.facets[0].values] == [("vice.com", 1)]


@pytest.mark.django_db
def test_it_builds_index_actions_from_the_rows(corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["tay_tweets"]
    report = incident.reports.get()

    actions = list(
        document_actions(
            incident_ids=[incident.id], report_numbers=[report.number], index="registry-catalog"
        )
    )

    assert [(a["_op_type"], a["_id"]) for a in actions] == [
        ("index", f"incident-{incident.id}"),
        ("index", f"report-{report.number}"),
    ]
    source = actions[0]["_source"]
    assert source["incident_title"] == incident.title
    assert source["report_title"] == [report.title]
    assert "deployer:microsoft" in source["facets"]
    assert actions[1]["_source"]["incident_id"] == incident.id


@pytest.mark.django_db
def test_it_deletes_documents_whose_rows_are_gone(db) -> None:  # noqa: ANN001
    actions = list(
        document_actions(incident_ids=[999_999], report_numbers=[888_888], index="registry-catalog")
    )

    assert actions == [
        {"_op_type": "delete", "_index": "registry-catalog", "_id": "incident-999999"},
        {"_op_type": "delete", "_index": "registry-catalog", "_id": "report-888888"},
    ]


@pytest.mark.django_db
def test_it_syncs_a_report_with_its_incident_in_one_bulk_request(corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["tesla_crash"]
    report = incident.reports.get()
    client, transport = recording_client()

    search_sync_elasticsearch(incident_ids=[], report_numbers=[report.number], client=client)

    method, target, body = transport.requests[0]
    lines = bulk_lines(body)
    assert (method, target) == ("PUT", "/_bulk")
    assert [line for line in lines if "index" in line] == [
        {"index": {"_index": "registry-catalog", "_id": f"incident-{incident.id}"}},
        {"index": {"_index": "registry-catalog", "_id": f"report-{report.number}"}},
    ]
