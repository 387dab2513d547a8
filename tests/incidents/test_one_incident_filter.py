"""The incident list page and the API run one FilterSet (`incidents.api.filters.
IncidentFilterSet`): the same filter gives the same incidents on both."""

from __future__ import annotations

import datetime

import pytest

from incidents.models import EntityRedirect
from tests.factories.catalog import IncidentEntityFactory, TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents() -> dict[str, int]:
    acme = EntityFactory(slug="acme")
    merged_twice = IncidentFactory(date=datetime.date(2021, 3, 1))
    other_role = IncidentFactory(date=datetime.date(2020, 3, 1))
    unrelated = IncidentFactory(date=datetime.date(2021, 6, 1))
    IncidentEntityFactory(incident=merged_twice, entity=acme, role="deployer")
    IncidentEntityFactory(incident=other_role, entity=acme, role="developer")
    # acme-old -> acme-inc -> acme: a chain of merges.
    EntityRedirect.objects.create(old_slug="acme-inc", target=acme)
    EntityRedirect.objects.create(old_slug="acme-old", target=acme)
    classify(merged_twice, TaxonomyFactory(namespace="MIT"), {"Risk Domain": "Privacy"})
    ReportFactory(kind="response").incidents.add(unrelated)
    return {"merged_twice": merged_twice.id, "other_role": other_role.id, "unrelated": unrelated.id}


def page_ids(client, params: dict[str, str]) -> list[int]:  # noqa: ANN001
    response = client.get("/incidents/", {**params, "sort": "id"})
    return [incident.id for incident in response.context["page_obj"].object_list]


def api_ids(client, params: dict[str, str]) -> list[int]:  # noqa: ANN001
    response = client.get("/api/v1/incidents/", {**params, "ordering": "id"})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("page", "api", "expected"),
    [
        ({"entity": "acme-inc"}, {"entity": "acme-inc"}, ["merged_twice", "other_role"]),
        ({"entity": "acme-old"}, {"entity": "acme-old"}, ["merged_twice", "other_role"]),
        ({"entity": "acme"}, {"entity": "acme"}, ["merged_twice", "other_role"]),
        ({"entity": "nobody"}, {"entity": "nobody"}, []),
        (
            {"taxonomy": "MIT:Risk Domain:Privacy"},
            {"classification": "MIT:Risk Domain:Privacy"},
            ["merged_twice"],
        ),
        (
            {"year": "2021"},
            {"date_after": "2021-01-01", "date_before": "2021-12-31"},
            ["merged_twice", "unrelated"],
        ),
        ({"kind": "response"}, {"report_kind": "response"}, ["unrelated"]),
    ],
)
def test_the_page_and_the_api_filter_alike(client, incidents, page, api, expected) -> None:  # noqa: ANN001
    wanted = sorted(incidents[name] for name in expected)

    assert page_ids(client, page) == wanted
    assert api_ids(client, api) == wanted


def test_the_api_follows_a_merged_entity_in_a_role_filter(client, incidents) -> None:  # noqa: ANN001
    assert api_ids(client, {"deployer": "acme-old"}) == [incidents["merged_twice"]]


def test_it_stops_at_a_loop_of_entity_merges() -> None:
    from incidents.selectors import entity_redirect_target

    a, b = EntityFactory(slug="loop-a"), EntityFactory(slug="loop-b")
    EntityRedirect.objects.create(old_slug="loop-a", target=b)
    EntityRedirect.objects.create(old_slug="loop-b", target=a)

    assert [entity_redirect_target(s) for s in ("loop-a", "loop-b", "acme")] == [
        "loop-b",
        "loop-a",
        None,
    ]
