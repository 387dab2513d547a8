"""Any string in the query box, and junk in every parameter: a 200 with a sensible result or a
400 with a message, never a 500 — through the page, the API and the export."""

from __future__ import annotations

import pytest

from search.engine import SearchQuery
from search.es import build_search
from search.query import parse_query

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unterminated phrase',
    "-",
    "--",
    "-chatbot",
    '-"facial recognition"',
    "or",
    "or or or",
    "chatbot or",
    "& | ! ( ) < -> <2>",
    "chatbot:*",
    ":*",
    "a:* & b:*",
    "'; DROP TABLE incidents_incident; --",
    "\\",
    "\\\\chatbot\\",
    "chat\x00bot",
    "\x00",
    "\x1b[31mred",
    "😀 chatbot 🤖",
    "🤖",
    "ﬁnance ＡＩ",
    "\u202echatbot",
    "<script>alert(1)</script>",
    "%",
    "%s %(x)s {}",
    "the of and",
    "a" * 400,
    "chatbot " * 60,
    "x" * 10_000,
    "word " * 2_000,
]

BAD_PARAMETERS = [
    {"facet": "colour:blue"},
    {"facet": "nocolon"},
    {"facet": "year:"},
    {"facet": ":2020"},
    {"facet": "year:\x00"},
    {"facet": "domain:" + "d" * 5_000},
    {"type": "people"},
    {"sort": "random"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"page": "600"},
    {"page_size": "0"},
    {"incident": "abc"},
    {"incident": "99999999999"},
    {"incident": "-5"},
    {"date_from": "yesterday"},
    {"date_from": "2020-02-30"},
    {"date_from": "2021-01-01", "date_to": "2020-01-01"},
    {"date_to": "99999-01-01"},
    {"date_after": "2020-02-30"},
    {"date_after": "2021-01-01", "date_before": "2020-01-01"},
    {"flagged": "maybe"},
    {"facets": "perhaps"},
    {"author": "\x00"},
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_it_answers_any_query_on_the_page(client, corpus, text) -> None:  # noqa: ANN001
    response = client.get("/search/", {"q": text})

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "The query is too long" in response.content.decode()


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_it_answers_any_query_in_the_api(client, corpus, text) -> None:  # noqa: ANN001
    response = client.get("/api/v1/search/", {"q": text})

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["errors"][0]["field"] == "q"


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_it_answers_any_query_in_the_export(client, corpus, text) -> None:  # noqa: ANN001
    response = client.get("/search/export.csv", {"q": text})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(b"incident_id,title")


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_it_builds_an_elasticsearch_request_for_any_query(text) -> None:  # noqa: ANN001
    try:
        parsed = parse_query(text)
    except ValueError:
        return
    body = build_search(SearchQuery(parsed=parsed), client=object()).to_dict()

    assert "query_string" not in str(body)


@pytest.mark.parametrize("params", BAD_PARAMETERS)
def test_it_refuses_bad_parameters_with_a_message(client, corpus, params) -> None:  # noqa: ANN001
    page = client.get("/search/", params)
    api = client.get("/api/v1/search/", params)
    export = client.get("/search/export.json", params)

    assert (page.status_code, api.status_code, export.status_code) in {
        (400, 400, 400),
        (200, 200, 200),
    }
    if api.status_code == 400:
        assert api.json()["errors"][0]["message"]


def test_it_matches_nothing_for_an_unknown_facet_value(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/api/v1/search/", {"q": "chatbot", "facet": "domain:nowhere.example"})

    assert (response.status_code, response.json()["total"]) == (200, 0)


def test_it_finds_the_words_around_junk(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/api/v1/search/", {"q": "chat\x00bot:* suicide\\"})

    assert response.status_code == 200
    assert response.json()["query"] == "chat bot suicide"


def test_it_refuses_unknown_api_parameters(client, corpus) -> None:  # noqa: ANN001
    response = client.get("/api/v1/search/", {"q": "chatbot", "colour": "blue"})

    assert response.json() == {
        "errors": [{"field": "colour", "message": "Unknown query parameter."}]
    }
