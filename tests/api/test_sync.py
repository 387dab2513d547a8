"""Incremental sync: parameters validated before any query or stream, merged ids listed,
report texts in bulk, one vocabulary for dates with deprecated aliases marked."""

from __future__ import annotations

import pytest

from incidents.services.editing import entities_merge, incidents_merge
from tests.factories.api import make_entity, make_incident


@pytest.mark.parametrize(
    "value",
    ["2024-01-01T00:00:00+21:17", "2024-01-01T00:00:00-15:00", "0001-01-01T00:00:00+05:00"],
)
@pytest.mark.parametrize("path", ["/api/v1/incidents/", "/api/v1/reports/", "/api/v1/entities/"])
@pytest.mark.parametrize("csv", [False, True])
def test_it_refuses_an_impossible_modified_since_before_querying(api, catalog, value, path, csv):
    params = {"modified_since": value, **({"format": "csv"} if csv else {})}
    response = api.get(path, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["field"] == "modified_since"


@pytest.mark.parametrize("csv", [False, True])
def test_it_refuses_a_malformed_date_as_json_even_for_csv(api, catalog, csv):
    params = {"date_after": "2020-02-30", **({"format": "csv"} if csv else {})}
    response = api.get("/api/v1/reports/", params)

    assert response.status_code == 400
    assert not response.streaming
    assert response.json()["errors"][0]["field"] == "date_after"


def test_it_accepts_a_real_offset_and_compares_in_utc(api, catalog):
    # 12:00+14:00 is 22:00 UTC the day before: every catalog row changed after it.
    response = api.get("/api/v1/incidents/", {"modified_since": "2000-01-02T12:00:00+14:00"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == len(catalog.incidents)


def test_it_lists_merged_incidents_with_their_new_id(api, catalog, world):
    duplicate, target = make_incident("Duplicate"), catalog.incidents[0]
    incidents_merge(
        duplicate_id=duplicate.id, target_id=target.id, actor=world.editor, reason="same event"
    )

    body = api.get("/api/v1/merged/incidents/").json()

    [row] = body["results"]
    assert (row["old_id"], row["new_id"]) == (duplicate.id, target.id)
    assert row["merged_at"].endswith("Z")
    later = api.get("/api/v1/merged/incidents/", {"modified_since": "2999-01-01T00:00:00Z"})
    assert later.json()["results"] == []
    since = api.get("/api/v1/merged/incidents/", {"modified_since": row["merged_at"]})
    assert [r["old_id"] for r in since.json()["results"]] == [duplicate.id]


def test_it_lists_merged_entities_with_their_new_slug(api, catalog, world):
    make_entity("keolis-sa")
    entities_merge(
        duplicate_slug="keolis-sa", target_slug="keolis", actor=world.editor, reason="same"
    )

    rows = api.get("/api/v1/merged/entities/").json()["results"]

    assert [(r["old_entity_id"], r["new_entity_id"]) for r in rows] == [("keolis-sa", "keolis")]


def test_it_refuses_a_crafted_cursor_on_the_merged_list(api, db):
    response = api.get("/api/v1/merged/incidents/", {"cursor": "cD1hYmM="})  # p=abc

    assert response.status_code == 400


def test_it_includes_report_texts_in_lists_only_when_asked(api, catalog):
    plain = api.get("/api/v1/reports/").json()["results"]
    with_text = api.get("/api/v1/reports/", {"fields": "text"}).json()["results"]

    assert "text" not in plain[0]
    assert {row["number"]: row["text"] for row in with_text} == {
        r.number: r.text for r in catalog.reports
    }


def test_it_refuses_an_unknown_fields_value(api, catalog):
    response = api.get("/api/v1/reports/", {"fields": "everything"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "fields"


def test_it_filters_reports_by_date_after_like_incidents(api, catalog):
    new = api.get("/api/v1/reports/", {"date_after": "2020-01-20", "ordering": "number"})
    old = api.get("/api/v1/reports/", {"date_published_after": "2020-01-20", "ordering": "number"})

    assert new.json()["results"] == old.json()["results"]
    assert "Deprecation" not in new
    assert old["Deprecation"].startswith("@")
    assert old["Sunset"].endswith("GMT")
    assert 'rel="deprecation"' in old["Link"]


def test_it_serves_the_changelog_the_deprecation_link_names(api, db):
    response = api.get("/api/v1/changelog/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert "date_published_after" in response.content.decode()


def test_it_marks_deprecated_aliases_in_search(api, db):
    response = api.get("/api/v1/search/", {"date_from": "2020-01-01", "facets": "no"})

    assert response.status_code == 200
    assert response["Deprecation"].startswith("@")


def test_it_keeps_a_join_value_intact_in_raw_csv(api, db):
    make_incident("Voice clone", roles={"developer": ["@ghostwriter"]})
    make_entity("@ghostwriter")

    guarded = b"".join(api.get("/api/v1/entities/?format=csv").streaming_content).decode()
    raw = b"".join(api.get("/api/v1/entities/?format=csv&raw=true").streaming_content).decode()

    assert "\n'@ghostwriter," in guarded
    assert "\n@ghostwriter,@ghostwriter," in raw


def test_it_writes_multi_valued_cells_as_json_arrays(api, db):
    make_incident("Voice clone", roles={"developer": ["@ghostwriter", "x-(twitter)"]})

    text = b"".join(api.get("/api/v1/incidents/?format=csv").streaming_content).decode()

    line = text.splitlines()[1]
    assert '"[""@ghostwriter"",""x-(twitter)""]"' in line


def test_it_names_report_numbers_and_incident_ids_as_the_aiid_does(api, catalog):
    report = catalog.reports[1]
    body = api.get(f"/api/v1/reports/{report.number}/").json()

    assert body["report_number"] == report.number
    assert body["incident_ids"] == body["incidents"]
