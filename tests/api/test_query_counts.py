"""Every list costs the same number of queries for 5 rows as for 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import EntityRole
from tests.factories.api import classify, make_incident, make_report, make_taxonomy

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/incidents/",
    "/api/v1/reports/",
    "/api/v1/entities/",
    "/api/v1/taxonomies/",
    "/api/v1/classifications/",
    "/api/v1/incidents/?deployer=entity-0&classification=T0:Intent:Unintentional",
    "/api/v1/reports/?classification=T0:Intent:Unintentional&entity=entity-0",
]


def populate(start: int, stop: int) -> None:
    for n in range(start, stop):
        taxonomy = make_taxonomy(f"T{n}")
        incident = make_incident(
            f"Incident {n}",
            roles={EntityRole.DEPLOYER: ["entity-0", f"entity-{n + 1}"], EntityRole.HARMED: ["x"]},
        )
        make_report(f"Report {n}", url=f"https://n.example/{n}", incidents=[incident])
        classify(taxonomy, {"Intent": "Unintentional", "Risk Domain": "d"}, incident=incident)


def queries_for(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 50} if "?" not in url else None)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_it_costs_the_same_queries_for_5_and_50_rows(api, url, django_assert_max_num_queries):
    populate(0, 5)
    small = queries_for(api, url)
    populate(5, 50)
    with django_assert_max_num_queries(small):
        queries_for(api, url)
    assert small <= 2
