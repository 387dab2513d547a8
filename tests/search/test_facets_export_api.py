"""Facet counts against direct ORM counts, the streamed export of the whole result set, and
the API's payload."""

from __future__ import annotations

import csv
import io
import json

import pytest

from incidents.indexing import refresh_search_vectors
from incidents.models import Incident, Report
from search.engine import SearchQuery
from search.pg import PostgresEngine
from search.query import parse_query

pytestmark = pytest.mark.django_db


def search(text: str, **options: object):  # noqa: ANN201
    return PostgresEngine().search(SearchQuery(parsed=parse_query(text), page_size=100, **options))


def orm_incident_count(ids: list[int], facet: str, value: str) -> int:
    incidents = Incident.objects.filter(id__in=ids)
    lookups = {
        "domain": {"reports__source_domain": value},
        "language": {"reports__language": value},
        "kind": {"reports__kind": value},
        "year": {"date__year": int(value) if value.isdigit() else 0},
        "deployer": {"entity_links__role": "deployer", "entity_links__entity__slug": value},
    }
    if facet == "flagged":
        flagged = incidents.filter(reports__flagged=True).distinct()
        return flagged.count() if value == "yes" else incidents.exclude(id__in=flagged).count()
    return incidents.filter(**lookups[facet]).distinct().count()


@pytest.mark.parametrize("text", ["", "chatbot", "facial recognition", "deepfake or tesla"])
def test_it_counts_incident_facets_as_the_orm_does(corpus, text) -> None:  # noqa: ANN001
    result = search(text)
    ids = [hit.id for hit in result.hits]

    counted = {(f.name, v.value): v.count for f in result.facets for v in f.values}
    expected = {key: orm_incident_count(ids, *key) for key in counted}
    assert counted == expected
    assert not result.facets_estimated


def test_it_counts_report_facets_as_the_orm_does(corpus) -> None:  # noqa: ANN001
    result = search("chatbot or deepfake", type="report")
    numbers = [hit.id for hit in result.hits]

    counted = {v.value: v.count for f in result.facets if f.name == "domain" for v in f.values}
    reports = Report.objects.filter(number__in=numbers)
    assert counted == {d: reports.filter(source_domain=d).count() for d in counted}


def test_it_narrows_counts_to_the_selected_facet(corpus) -> None:  # noqa: ANN001
    result = search("", facets={"domain": ("nytimes.com",)})

    domain = next(f for f in result.facets if f.name == "domain")
    selected = [v for v in domain.values if v.selected]
    assert [(v.value, v.count) for v in selected] == [("nytimes.com", 3)]
    assert result.total == 3


@pytest.fixture
def many_chatbots(db) -> list[Incident]:  # noqa: ANN001
    incidents = Incident.objects.bulk_create(
        Incident(title=f"Chatbot incident number {n}", description="A chatbot misbehaved.")
        for n in range(130)
    )
    formula = Incident.objects.create(
        title='=HYPERLINK("http://evil.example","chatbot")', description="chatbot"
    )
    refresh_search_vectors(incident_ids=[i.id for i in [*incidents, formula]])
    return [*incidents, formula]


def test_it_exports_every_row_not_just_a_page_as_csv(client, many_chatbots) -> None:  # noqa: ANN001
    response = client.get("/search/export.csv", {"q": "chatbot"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows) == 131
    assert {int(r["incident_id"]) for r in rows} == {i.id for i in many_chatbots}


def test_it_exports_every_row_as_json(client, many_chatbots) -> None:  # noqa: ANN001
    response = client.get("/search/export.json", {"q": "chatbot", "sort": "oldest"})

    rows = json.loads(b"".join(response.streaming_content))
    assert len(rows) == 131
    assert set(rows[0]) == {"incident_id", "title", "date", "reports", "source_domains", "url"}


def test_it_defuses_formulas_in_csv_cells(client, many_chatbots) -> None:  # noqa: ANN001
    response = client.get("/search/export.csv", {"q": "hyperlink"})

    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text


def test_it_exports_reports_with_their_incidents(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/export.csv", {"q": "suicide", "type": "report"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    incident = corpus.incidents["chatbot_suicide"]
    # Multi-valued cells are JSON arrays, as in the API's CSV and the AIID's files.
    assert {r["incident_ids"] for r in rows} == {f"[{incident.id}]"}


def test_it_returns_hits_facets_and_total_in_the_api(client, corpus) -> None:  # noqa: ANN001
    body = client.get("/api/v1/search/", {"q": "chatbot suicide"}).json()

    incident = corpus.incidents["chatbot_suicide"]
    assert body["total"] == 1
    assert body["hits"][0]["type"] == "incident"
    assert body["hits"][0]["id"] == incident.id
    assert body["hits"][0]["incident_ids"] == [incident.id]
    assert "<mark>" in body["hits"][0]["snippet"]
    assert {f["name"] for f in body["facets"]} >= {"year", "domain", "language"}
    assert body["export_csv"].startswith("http://testserver/search/export.csv?q=chatbot+suicide")


def test_it_pages_the_api_with_next_links(client, many_chatbots) -> None:  # noqa: ANN001
    body = client.get("/api/v1/search/", {"q": "chatbot", "page_size": 50}).json()

    assert (body["total"], body["pages"], len(body["hits"])) == (131, 3, 50)
    assert body["next"] == "http://testserver/api/v1/search/?q=chatbot&page=2&page_size=50"


def test_it_documents_the_search_endpoint_in_the_schema(client) -> None:  # noqa: ANN001
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert operation["operationId"] == "search"
    assert {p["name"] for p in operation["parameters"]} >= {"q", "facet", "type", "sort", "page"}


def test_it_exports_lists_as_arrays_in_json(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/search/export.json", {"q": "suicide", "type": "report"})

    rows = json.loads(b"".join(response.streaming_content))
    incident = corpus.incidents["chatbot_suicide"]
    assert {tuple(r["incident_ids"]) for r in rows} == {(incident.id,)}
    assert all(isinstance(r["authors"], list) for r in rows)


def test_it_exports_cells_as_stored_when_raw(client, many_chatbots) -> None:  # noqa: ANN001
    guarded = client.get("/search/export.csv", {"q": "hyperlink"})
    raw = client.get("/search/export.csv", {"q": "hyperlink", "raw": "true"})

    assert "'=HYPERLINK" in b"".join(guarded.streaming_content).decode()
    raw_text = b"".join(raw.streaming_content).decode()
    assert "=HYPERLINK" in raw_text
    assert "'=HYPERLINK" not in raw_text
