"""The XSS corpus through the search page: hit titles and highlighted snippets of hostile
records, and the query itself reflected back, stay inert; the search export defuses formulas."""

from __future__ import annotations

import csv
import io

import pytest

from incidents.indexing import refresh_search_vectors
from tests.security.corpus import XSS_PAYLOADS, assert_inert

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(hostile_catalog):  # noqa: ANN001, ANN201
    refresh_search_vectors(
        incident_ids=[i.id for i in hostile_catalog.incidents],
        report_numbers=[r.number for r in hostile_catalog.reports],
    )
    return hostile_catalog


def search(client, **params: str) -> str:  # noqa: ANN001
    response = client.get("/search/", params)
    # 400 is the page explaining a malformed date or facet: it must be inert too.
    assert response.status_code in (200, 400), params
    html = response.content.decode()
    assert_inert(html)
    return html


@pytest.mark.parametrize("kind", ["incident", "report"])
def test_it_keeps_hostile_hits_and_snippets_inert(client, indexed, kind):
    for words in ("alert", "script onerror", "javascript", "evil example", "img src", "style"):
        search(client, q=words, type=kind)


def test_it_shows_the_hostile_hits_it_keeps_inert(client, indexed):
    for payload in XSS_PAYLOADS:
        html = search(client, q=payload.marker, type="report")
        assert f"{payload.marker} " in html.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=lambda p: p.marker)
def test_it_keeps_a_hostile_query_inert_when_reflected(client, payload):
    search(client, q=payload.attack, date_from=payload.attack, facet=payload.attack)


def test_it_defuses_formulas_in_the_search_export(client, hostile_catalog):
    formula = '=HYPERLINK("https://evil.example/","xssformulahit")'
    hostile_catalog.incidents[0].title = formula
    hostile_catalog.incidents[0].save()
    refresh_search_vectors(incident_ids=[hostile_catalog.incidents[0].id])
    response = client.get("/search/export.csv", {"q": "xssformulahit"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    hits = [c for c in cells if "xssformulahit" in c]
    assert hits
    assert [c for c in hits if c.startswith(("=", "+", "-", "@"))] == []
