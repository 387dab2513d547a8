"""The counting rule (search/counting.py): the number shown, the pages, the last page and the
export's rows agree; exact up to EXACT_COUNT_LIMIT, "about N" beyond, capped pages said so."""

from __future__ import annotations

import csv
import io

import pytest

import search.pg
import search.pg_reports
import search.service
from incidents.indexing import refresh_search_vectors
from incidents.models import Incident, Report
from search.counting import MAX_RESULT_WINDOW, search_count


def build_lidar_catalog(*, incidents: int, reports_each: int) -> None:
    """`incidents` incidents about lidar, each with `reports_each` reports that say lidar."""
    n = 0
    for i in range(incidents):
        incident = Incident.objects.create(
            title=f"Lidar failure number {i}", description="The lidar missed a pedestrian."
        )
        for _ in range(reports_each):
            n += 1
            report = Report.objects.create(
                title=f"Lidar report {n}",
                text="A lidar sensor failed to see the road.",
                url=f"https://news.example/lidar-{n}",
                url_normalised=f"news.example/lidar-{n}",
                source_domain="news.example",
            )
            report.incidents.add(incident)
    refresh_search_vectors(
        incident_ids=list(Incident.objects.values_list("id", flat=True)),
        report_numbers=list(Report.objects.values_list("number", flat=True)),
    )


def test_it_shows_an_estimate_as_about_and_an_exact_count_as_the_number() -> None:
    assert search_count(total=12_345, estimated=True, reachable=None, page_size=20).label == (
        "about 12,345"
    )
    assert search_count(total=1_234, estimated=False, reachable=None, page_size=20).label == "1,234"


def test_it_caps_the_pages_at_the_result_window_and_says_so() -> None:
    count = search_count(total=25_000, estimated=True, reachable=None, page_size=20)

    assert (count.pages, count.capped) == (MAX_RESULT_WINDOW // 20, True)
    assert count.hits_on_page(count.pages) == 20
    assert count.hits_on_page(count.pages + 1) == 0
    assert "first 10,000 of these about 25,000" in count.capped_notice(relevance=False)


def test_it_counts_the_last_page_as_the_remainder() -> None:
    count = search_count(total=45, estimated=False, reachable=None, page_size=20)

    assert (count.pages, count.hits_on_page(3), count.capped) == (3, 5, False)
    assert count.capped_notice(relevance=True) is None


@pytest.mark.django_db
def test_it_never_shows_a_page_past_the_last(client) -> None:  # noqa: ANN001
    build_lidar_catalog(incidents=3, reports_each=1)

    response = client.get("/search/", {"q": "lidar", "page": "4"})

    assert response.status_code == 302
    assert response["Location"] == "/search/?q=lidar"


@pytest.mark.django_db
def test_it_shows_the_last_page_with_the_remainder(client) -> None:  # noqa: ANN001
    build_lidar_catalog(incidents=45, reports_each=0)

    response = client.get("/search/", {"q": "lidar", "page": "3"})

    body = response.content.decode()
    assert len(response.context["result"].hits) == 5
    assert "Page 3 of 3" in body and "page 4" not in body.lower()
    assert 'data-total="45" data-exact="true"' in body


@pytest.fixture
def small_report_pool(monkeypatch):  # noqa: ANN001, ANN201
    """The collapsed "every report" path (pg_reports.py) from a handful of matches on: more
    than 5 matching reports page through the reports of the best 2 incidents only."""
    monkeypatch.setattr(search.pg, "REPORT_DIRECT_LIMIT", 5)
    monkeypatch.setattr(search.pg_reports, "REPORT_DIRECT_LIMIT", 5)
    monkeypatch.setattr(search.pg_reports, "INCIDENT_POOL", 2)


@pytest.mark.django_db
def test_it_counts_an_estimated_total_exactly_below_the_limit_to_match_the_export(
    client,  # noqa: ANN001
    small_report_pool,  # noqa: ANN001
) -> None:
    build_lidar_catalog(incidents=8, reports_each=4)

    response = client.get("/search/", {"q": "lidar", "type": "report"})
    export = client.get("/search/export.csv", {"q": "lidar", "type": "report"})

    count = response.context["count"]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert (count.total, count.exact, len(rows) - 1) == (32, True, 32)
    assert (count.reachable, count.pages) == (8, 1)
    body = response.content.decode()
    assert "The pages show the first 8 of these 32 results" in body
    assert "sort by date or download the export" in body
    assert "Download all 32 results" in body


@pytest.mark.django_db
def test_it_keeps_about_n_beyond_the_exact_limit(
    client,  # noqa: ANN001
    small_report_pool,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    monkeypatch.setattr(search.service, "EXACT_COUNT_LIMIT", 10)
    build_lidar_catalog(incidents=8, reports_each=4)

    response = client.get("/search/", {"q": "lidar", "type": "report"})

    count = response.context["count"]
    assert count.exact is False
    body = response.content.decode()
    assert f"About {count.total}" in body
    assert f"of these about {count.total} results" in body


@pytest.mark.django_db
def test_it_exports_the_words_as_typed_and_offers_the_correction_as_a_link(client) -> None:  # noqa: ANN001
    # A correction is never run in place of the query (issue 16): the page, its count and its
    # export all answer the words as typed, and "did you mean" is a link to the other search.
    build_lidar_catalog(incidents=2, reports_each=0)

    html = client.get("/search/", {"q": "lidr"}).content.decode()

    assert "export.csv?q=lidar" not in html
    assert "q=lidar" in html
