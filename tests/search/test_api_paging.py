"""Following `next` through a report search yields what the response says it will: every
match, or `reachable` hits with `paging_capped` and a way (`all_results`, the export) to all."""

from __future__ import annotations

import pytest

from incidents.indexing import refresh_search_vectors
from incidents.models import Incident
from search import pg, pg_reports
from tests.factories.api import make_report

pytestmark = pytest.mark.django_db

COMMON_TERM = {"q": "chatbot", "type": "report"}


def walk(client, params: dict[str, str]) -> tuple[dict, list[int]]:  # noqa: ANN001
    first = client.get("/api/v1/search/", {**params, "page_size": "2", "facets": "no"}).json()
    seen, body = [], first
    while True:
        seen += [hit["id"] for hit in body["hits"]]
        if body["next"] is None:
            return first, seen
        body = client.get(body["next"]).json()


def test_it_pages_through_every_match_when_not_capped(client, corpus) -> None:  # noqa: ANN001
    first, seen = walk(client, COMMON_TERM)

    assert first["paging_capped"] is False
    assert first["total"] == first["reachable"] > 2
    assert len(seen) == len(set(seen)) == first["total"]


def test_it_says_relevance_paging_is_capped_and_links_to_every_match(
    client,  # noqa: ANN001
    corpus,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    # The common-word path estimates `total` from the reports numbered a multiple of 32 (the
    # service then counts it again exactly); give that sample a match, in an incident of its
    # own, as a real catalog's would have.
    other = Incident.objects.create(title="Another chatbot incident")
    numbers = []
    while not numbers or numbers[-1] % pg_reports.SAMPLE_MODULUS:
        report = make_report(
            "Chatbot story", url=f"https://example.com/{len(numbers)}", incidents=[other]
        )
        numbers.append(report.number)
    refresh_search_vectors(incident_ids=[other.id], report_numbers=numbers)
    everything = walk(client, COMMON_TERM)[1]
    # Force the common-word path: reports reached through the single best incident.
    monkeypatch.setattr(pg, "REPORT_DIRECT_LIMIT", 1)
    monkeypatch.setattr(pg_reports, "INCIDENT_POOL", 1)

    first, seen = walk(client, COMMON_TERM)

    assert first["paging_capped"] is True
    assert len(seen) == first["reachable"] < first["total"] == len(everything)
    assert first["pages"] == -(-first["reachable"] // 2)
    assert any("export" in notice for notice in first["notices"])
    by_date = client.get(first["all_results"]).json()
    assert by_date["paging_capped"] is False
    assert by_date["total"] == len(everything)
    export = b"".join(client.get(first["export_csv"]).streaming_content).decode()
    assert len(export.splitlines()) - 1 == len(everything)
