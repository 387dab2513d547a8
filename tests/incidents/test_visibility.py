"""One visibility rule (`incidents.visibility`) for every public output: a hidden taxonomy, a
hidden field and an unpublished classification never reach the page, the API, the search
documents and facets, or the dataset files; and the rule's ORM, Python and SQL forms agree."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from incidents.indexing import refresh_search_vectors
from incidents.models import Classification, Incident, Taxonomy, TaxonomyField
from incidents.visibility import (
    PUBLIC,
    field_is_public,
    public_classification_sql,
    public_field_sql,
    public_taxonomy_sql,
    visible_classifications,
    visible_fields,
    visible_taxonomies,
)
from tests.factories.catalog import TaxonomyFactory, classify
from tests.factories.incidents import IncidentFactory, ReportFactory

# Snapshots read through their own cursor, so rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

SHOWN = ("Shown field", "shown-value")
HIDDEN = (
    "Hidden field",  # a non-public field of a public taxonomy
    "hidden-value",
    "SECRETTAX",  # a non-public taxonomy
    "Secret field",
    "secret-value",
    "draft-value",  # a value of an unpublished classification
    "Annotator",  # an internal field (annotation bookkeeping) of a public taxonomy
    "annotator-007",
)


@pytest.fixture
def incident() -> Incident:
    incident = IncidentFactory(title="Robot vacuum maps a house")
    report = ReportFactory(title="Vacuum maps shared")
    report.incidents.set([incident])
    classify(
        incident,
        TaxonomyFactory(namespace="PUBTAX"),
        {
            "Shown field": "shown-value",
            "Hidden field": "hidden-value",
            "Annotator": "annotator-007",
        },
        private_fields=("Hidden field",),
        internal_fields=("Annotator",),
    )
    classify(
        incident,
        TaxonomyFactory(namespace="SECRETTAX", public=False),
        {"Secret field": "secret-value"},
    )
    classify(
        incident,
        TaxonomyFactory(namespace="DRAFTTAX"),
        {"Draft field": "draft-value"},
        publish=False,
    )
    refresh_search_vectors(incident_ids=[incident.id], report_numbers=[report.number])
    return incident


def _page(client: Client, incident: Incident, tmp_path: Path) -> str:
    return client.get(f"/incidents/{incident.id}/").content.decode()


def _taxonomy_pages(client: Client, incident: Incident, tmp_path: Path) -> str:
    pages = ["/taxonomies/", "/taxonomies/PUBTAX/", "/taxonomies/SECRETTAX/"]
    return "".join(client.get(url).content.decode() for url in pages)


def _incident_list_filtered(client: Client, incident: Incident, tmp_path: Path) -> str:
    hidden = client.get("/incidents/", {"taxonomy": "PUBTAX:Hidden field:hidden-value"})
    shown = client.get("/incidents/", {"taxonomy": "PUBTAX:Shown field:shown-value"})
    assert incident.title not in hidden.content.decode()
    return shown.content.decode()


def _api(client: Client, incident: Incident, tmp_path: Path) -> str:
    urls = [
        f"/api/v1/incidents/{incident.id}/",
        "/api/v1/incidents/",
        "/api/v1/classifications/",
        "/api/v1/taxonomies/",
        "/api/v1/taxonomies/PUBTAX/",
        "/api/v1/taxonomies/SECRETTAX/",
    ]
    return "".join(client.get(url).content.decode() for url in urls)


def _api_filter(client: Client, incident: Incident, tmp_path: Path) -> str:
    hidden = client.get(
        "/api/v1/incidents/", {"classification": "PUBTAX:Hidden field:hidden-value"}
    )
    assert hidden.status_code == 400  # names no public field
    return client.get(
        "/api/v1/incidents/", {"classification": "PUBTAX:Shown field:shown-value"}
    ).content.decode()


def _search_documents(client: Client, incident: Incident, tmp_path: Path) -> str:
    # The stored search columns are maintained in SQL and are not model fields.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(search_facets, ' ') FROM incidents_incident"
            " UNION ALL SELECT array_to_string(search_facets, ' ') FROM incidents_report"
        )
        terms = [row[0] or "" for row in cursor.fetchall()]
    assert "taxonomy:PUBTAX:Shown field:shown-value" in " ".join(terms)
    facets = client.get("/api/v1/search/", {"q": "vacuum"}).content.decode()
    return " ".join(terms) + facets + client.get("/search/", {"q": "vacuum"}).content.decode()


def _dataset(client: Client, incident: Incident, tmp_path: Path) -> str:
    from datasets.snapshot import export_snapshot

    snapshot = export_snapshot(tmp_path / "snapshot")
    return "".join(
        path.read_text(encoding="utf-8")
        for path in sorted(snapshot.path.rglob("*"))
        if path.is_file() and path.suffix != ".zip"  # the archive repeats every file
    )


@pytest.mark.parametrize(
    "read",
    [
        _page,
        _taxonomy_pages,
        _incident_list_filtered,
        _api,
        _api_filter,
        _search_documents,
        _dataset,
    ],
)
def test_it_shows_the_public_only_the_public_taxonomy_field(
    client: Client, incident: Incident, tmp_path: Path, read: Callable[..., str]
) -> None:
    text = read(client, incident, tmp_path)

    assert any(marker in text for marker in SHOWN)
    assert [marker for marker in HIDDEN if marker in text] == []


def test_it_shows_signed_in_readers_non_public_fields_on_pages(
    client: Client, incident: Incident, django_user_model
) -> None:  # noqa: ANN001
    client.force_login(django_user_model.objects.create_user(username="reader", password="x" * 12))

    page = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "hidden-value" in page and "secret-value" in page
    assert "draft-value" not in page
    assert "annotator-007" not in page


def test_it_shows_editors_the_internal_fields(client: Client, incident: Incident, world) -> None:  # noqa: ANN001
    client.force_login(world.editor)

    page = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "annotator-007" in page and "draft-value" in page


@pytest.mark.django_db
def test_it_states_the_rule_the_same_way_in_orm_python_and_sql() -> None:
    for n, (taxonomy_public, field_public, publish, internal) in enumerate(
        itertools.product([True, False], repeat=4)
    ):
        taxonomy = Taxonomy.objects.create(namespace=f"T{n}", public=taxonomy_public)
        TaxonomyField.objects.create(
            taxonomy=taxonomy, short_name="f", public=field_public, internal=internal
        )
        Classification.objects.create(
            taxonomy=taxonomy, incident=IncidentFactory(), publish=publish
        )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.id FROM incidents_taxonomyfield f"  # noqa: S608
            " JOIN incidents_taxonomy t ON t.id = f.taxonomy_id"
            f" WHERE {public_field_sql('f')} AND {public_taxonomy_sql('t')}"
        )
        sql_fields = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT c.id FROM incidents_classification c"  # noqa: S608
            " JOIN incidents_taxonomy t ON t.id = c.taxonomy_id"
            f" WHERE {public_classification_sql('c', taxonomy_alias='t')}"
        )
        sql_classifications = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT t.id FROM incidents_taxonomy t WHERE {public_taxonomy_sql('t')}")  # noqa: S608
        sql_taxonomies = {row[0] for row in cursor.fetchall()}

    python_fields = {
        f.id
        for f in TaxonomyField.objects.select_related("taxonomy")
        if field_is_public(f) and f.taxonomy.public
    }
    assert set(visible_fields(PUBLIC).values_list("id", flat=True)) == sql_fields == python_fields
    assert len(sql_fields) == 2  # public taxonomy, public field, not internal; either publish
    assert set(visible_classifications(PUBLIC).values_list("id", flat=True)) == sql_classifications
    assert len(sql_classifications) == 4
    assert set(visible_taxonomies(PUBLIC).values_list("id", flat=True)) == sql_taxonomies


REPO = Path(__file__).resolve().parents[2]
# Ways of writing the flag checks outside the rule's module: SQL `t.public`, ORM
# `taxonomy__public` / `filter(public=True)`, Python `field.public`.
SECOND_COPY = re.compile(r"\b\w+\.public\b|__public\b|\bpublic=True\b|\bpublish=True\)")


@pytest.mark.django_db(transaction=False)
def test_it_keeps_the_visibility_rule_in_one_module() -> None:
    packages = [p.parent for p in REPO.glob("*/__init__.py") if p.parent.name != "tests"]
    copies = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for package in packages
        for path in package.rglob("*.py")
        if "migrations" not in path.parts and path.name != "visibility.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SECOND_COPY.search(line)
    ]
    assert copies == []
