"""The CSV PostgreSQL writes (COPY, `registry.api_csv`) is byte for byte the CSV of the Python
writer (`CatalogViewSet.python_csv_download`, the reference) for every list with a CSV twin:
formula-like cells, quotes, line breaks, unicode, NULLs, JSON arrays and documents (with and
without floats), dates at the ends of the calendar, timestamps in other offsets."""

from __future__ import annotations

import datetime

import pytest

from incidents.api.views import CatalogViewSet
from incidents.models import EntityRole, Incident, Report, TaxonomyField
from incidents.services.editing import entities_merge, incidents_merge
from registry import api_csv
from registry.api_conventions import CSV_CHUNK_ROWS
from tests.factories.api import build_catalog, classify, make_incident, make_report

HOSTILE_TEXTS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2+3",
    "-12.5",
    "1,000",
    "-",
    "@ghost",
    "\tTabbed",
    "\rCarriage",
    "|pipe",
    "%percent",
    "",
    'quote " and, comma\nnew line\r\nCRLF',
    "Ünïcödé — 日本語 🚀 \u2028",
    "'already quoted",
    "back\\slash",
    "\\.",
]


def _hostile_catalog(world) -> None:  # noqa: ANN001
    catalog = build_catalog()
    entity_roles = {
        EntityRole.DEPLOYER: ["@ghostwriter", "x-(twitter)", "=evil"],
        EntityRole.IMPLICATED_SYSTEM: ["15.ai"],
    }
    for number, text in enumerate(HOSTILE_TEXTS):
        incident = make_incident(
            text or "untitled",
            description=text,
            date=[None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31)][number % 3],
            roles=entity_roles if number % 2 else None,
            editors=[text, "ctrl\x01char", 'q"uote'] if number % 4 else [],
            source_attribution=text,
        )
        make_report(
            text,
            url=f"https://example.com/{number}?q={text}",
            incidents=[incident, catalog.incidents[0]][: 1 + number % 2],
            description=text,
            text=text * 3,
            authors=[text, "Ann"],
            tags=[] if number % 2 else [text],
            flagged=bool(number % 2),
            date_downloaded=datetime.date(2024, 2, 29) if number % 2 else None,
            image_url=text,
            language="fr" if number % 3 else "en",
        )
    taxonomy = catalog.taxonomy
    TaxonomyField.objects.filter(taxonomy=taxonomy, short_name="Intent").update(
        description="=HYPERLINK(1)", permitted_values=["+a", 1.5, {"b": [None, True]}]
    )
    TaxonomyField.objects.create(taxonomy=taxonomy, short_name="=Score", weight=4)
    reports = list(Report.objects.order_by("number"))
    # Documents SQL writes itself (strings, integers, nesting) and ones with floats that
    # Python's round trip may rewrite (0.0000001 -> 1e-07).
    classify(
        taxonomy,
        {"Risk Domain": ["=x", 'q"', "a\nb", "\u00e9"], "Intent": {"z": 1, "a": [None, False]}},
        report=reports[0],
    )
    classify(taxonomy, {"Risk Domain": "-1", "=Score": 12345678901234567890}, report=reports[1])
    # Rows Python finishes hold hostile cells too (quotes, line breaks, a leading CR).
    classify(
        taxonomy,
        {"=Score": 1.5, "Intent": "| pipe"},
        report=Report.objects.get(title=HOSTILE_TEXTS[12]),
    )
    hostile = Incident.objects.get(title=HOSTILE_TEXTS[8])
    # jsonb keeps 1e-07 as 0.0000001, which Python reads back as a float and writes 1e-07.
    classify(taxonomy, {"=Score": 1e-07, "Risk Domain": 0.1}, incident=hostile)
    # Timestamps: microseconds or none, written in another offset; the API writes UTC.
    plus_five = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    Incident.objects.filter(pk=catalog.incidents[0].pk).update(
        created_at=datetime.datetime(2024, 3, 31, 1, 30, tzinfo=plus_five),
        modified_at=datetime.datetime(2024, 3, 31, 1, 30, 0, 7, tzinfo=datetime.UTC),
    )
    duplicate = make_incident("=duplicate")
    incidents_merge(
        duplicate_id=duplicate.id,
        target_id=catalog.incidents[0].id,
        actor=world.editor,
        reason="same",
    )
    entities_merge(
        duplicate_slug="x-(twitter)", target_slug="@ghostwriter", actor=world.editor, reason="same"
    )


CSV_PATHS = [
    "/api/v1/incidents/?format=csv",
    "/api/v1/incidents.csv?ordering=date",
    "/api/v1/incidents/?format=csv&ordering=-date&page_size=1",
    "/api/v1/incidents/?format=csv&deployer=%40ghostwriter",
    "/api/v1/reports/?format=csv",
    "/api/v1/reports/?format=csv&fields=text&ordering=date_published",
    "/api/v1/reports.csv?language=fr&flagged=true",
    "/api/v1/reports/?format=csv&language=none",
    "/api/v1/entities/?format=csv",
    "/api/v1/taxonomies/?format=csv",
    "/api/v1/classifications/?format=csv",
    "/api/v1/classifications.csv?namespace=MIT",
    "/api/v1/merged/incidents/?format=csv",
    "/api/v1/merged/entities.csv",
]


def _body(api, path: str) -> tuple[int, str, bytes]:  # noqa: ANN001
    response = api.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response["Content-Type"], body


@pytest.mark.parametrize("raw", ["", "raw=true"])
def test_it_writes_the_python_writers_bytes_for_every_csv_list(api, world, monkeypatch, raw):
    _hostile_catalog(world)
    paths = [path + ("&" if "?" in path else "?") + raw if raw else path for path in CSV_PATHS]

    written_by_copy = [_body(api, path) for path in paths]
    monkeypatch.setattr(CatalogViewSet, "csv_download", CatalogViewSet.python_csv_download)
    written_by_python = [_body(api, path) for path in paths]

    for path, ours, reference in zip(paths, written_by_copy, written_by_python, strict=True):
        assert ours == reference, path
    assert all(status == 200 for status, _, _ in written_by_copy)
    cell = b"=cmd|' /C calc'!A0" if raw else b"'=cmd\\|' /C calc'!A0"
    assert cell in written_by_copy[0][2]


def test_it_lets_python_finish_only_the_rows_whose_documents_hold_floats(api, world, monkeypatch):
    _hostile_catalog(world)
    finished = []
    python_finished_line = api_csv._python_finished_line

    def counting(row, columns, *, raw):  # noqa: ANN001, ANN202
        finished.append(bytes(row))
        return python_finished_line(row, columns, raw=raw)

    monkeypatch.setattr(api_csv, "_python_finished_line", counting)
    status, _, body = _body(api, "/api/v1/classifications/?format=csv")

    assert status == 200
    assert len(body.splitlines()) > 4
    # Of the published classifications, two hold a float (1.5; 1e-07 and 0.1).
    assert len(finished) == 2


def test_it_refuses_a_nul_byte_in_a_filter_as_the_python_writer_did(api, world, monkeypatch):
    _hostile_catalog(world)
    path = "/api/v1/reports/?format=csv&language=e%00n"

    ours = _body(api, path)
    monkeypatch.setattr(CatalogViewSet, "csv_download", CatalogViewSet.python_csv_download)

    assert ours == _body(api, path)


@pytest.mark.django_db(transaction=True)
def test_it_leaves_the_connection_usable_when_the_client_leaves_mid_stream(api):
    from incidents.models import Entity

    Entity.objects.bulk_create(
        Entity(slug=f"entity-{n}", name=f"Entity {n}") for n in range(3 * CSV_CHUNK_ROWS)
    )
    response = api.get("/api/v1/entities/?format=csv")
    chunks = iter(response.streaming_content)
    header, first_rows = next(chunks), next(chunks)
    response.close()  # what the server does when the client disconnects

    assert header.startswith(b"slug,entity_id,")
    assert first_rows.count(b"\r\n") == CSV_CHUNK_ROWS
    assert Entity.objects.count() == 3 * CSV_CHUNK_ROWS
