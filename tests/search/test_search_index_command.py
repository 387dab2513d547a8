"""`manage.py search_index --rebuild`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from search.engine import SearchQuery
from search.pg import PostgresEngine
from search.query import parse_query
from tests.search.es_fakes import recording_client

pytestmark = pytest.mark.django_db


def test_it_recomputes_every_postgres_document(corpus) -> None:  # noqa: ANN001
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET search_vector = NULL, search_facets = '{}'")
    out = io.StringIO()

    call_command("search_index", "--rebuild", "--no-progress", stdout=out)

    result = PostgresEngine().search(SearchQuery(parsed=parse_query("chatbot suicide")))
    assert corpus.key_of(result.hits[0].id) == "chatbot_suicide"
    assert out.getvalue() == "PostgreSQL: 15 reports, 13 incidents.\n"


def test_it_refuses_to_run_without_rebuild() -> None:
    with pytest.raises(CommandError, match="pass --rebuild"):
        call_command("search_index")


def test_it_refuses_elasticsearch_without_a_url(settings) -> None:  # noqa: ANN001
    settings.ELASTICSEARCH_URL = ""

    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command("search_index", "--rebuild", "--engine", "elasticsearch", "--no-progress")


def test_it_builds_a_fresh_elasticsearch_index_and_swaps_the_alias(
    corpus,
    settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    from search import es

    def answer(method: str, target: str, body: object) -> object:
        if target.split("?")[0].endswith("/_alias/registry-catalog"):
            return {"registry-catalog-old": {"aliases": {"registry-catalog": {}}}}
        if target.endswith("/_bulk"):
            from tests.search.es_fakes import default_answer

            return default_answer(method, target, body)
        return {"acknowledged": True}

    client, transport = recording_client(answer)
    monkeypatch.setattr(es, "es_client", lambda: client)
    settings.ELASTICSEARCH_URL = "http://localhost:9200"

    call_command(
        "search_index",
        "--rebuild",
        "--engine",
        "elasticsearch",
        "--no-progress",
        stdout=io.StringIO(),
    )

    calls = [(method, target.split("?")[0]) for method, target, _ in transport.requests]
    created = calls[0][1].lstrip("/")
    assert calls[0][0] == "PUT" and created.startswith("registry-catalog-")
    assert ("POST", "/_aliases") in calls
    assert ("DELETE", "/registry-catalog-old") in calls
    aliases = next(body for m, t, body in transport.requests if t.startswith("/_aliases"))
    assert aliases == {
        "actions": [
            {"add": {"index": created, "alias": "registry-catalog"}},
            {"remove": {"index": "registry-catalog-old", "alias": "registry-catalog"}},
        ]
    }
