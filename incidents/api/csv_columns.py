"""The CSV columns of the public API's lists, for `registry.api_csv` (PostgreSQL writes the
file): the same header and cells as the list serializers give the Python writer, which
`tests/api/test_csv_copy.py` checks byte for byte on a hostile corpus."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, F, Func, JSONField, OuterRef, Value
from django.db.models.functions import Cast, Concat

from incidents.api.serializers import TaxonomyFieldListField
from incidents.models import IncidentEntity
from registry.api_csv import CsvColumn

PROVENANCE = [
    CsvColumn("source", "source"),
    CsvColumn("source_license", "source_license"),
    CsvColumn("source_attribution", "source_attribution"),
]


def _permalink(name: str, prefix: str, key: str) -> CsvColumn:
    path = Concat(
        Value(f"{settings.SITE_URL}/{prefix}/"),
        Cast(key, CharField()),
        Value("/"),
        output_field=CharField(),
    )
    return CsvColumn(name, path)


def _classifications() -> CsvColumn:
    # ClassificationListField: no classification is an empty list.
    return CsvColumn(
        "classifications", F("classification_rows"), "document", finish=lambda v: v or []
    )


def _slugs_in_role(role: str) -> ArraySubquery:
    # The order of the incident's `entity_rows` (role, then name, then slug).
    return ArraySubquery(
        IncidentEntity.objects.filter(incident=OuterRef("pk"), role=role)
        .order_by("entity__name", "entity__slug")
        .values("entity__slug")
    )


def incident_columns(role_columns: dict[str, str]) -> list[CsvColumn]:
    return [
        CsvColumn("id", "id", "number"),
        CsvColumn("incident_id", "id", "number"),
        CsvColumn("title", "title"),
        CsvColumn("description", "description"),
        CsvColumn("date", "date", "date"),
        CsvColumn("date_precision", "date_precision"),
        *(CsvColumn(name, _slugs_in_role(role), "array") for role, name in role_columns.items()),
        CsvColumn("reports", F("report_numbers"), "array"),
        _classifications(),
        CsvColumn("editors", "editors", "array"),
        *PROVENANCE,
        CsvColumn("created_at", "created_at", "datetime"),
        CsvColumn("modified_at", "modified_at", "datetime"),
        _permalink("permalink", "incidents", "id"),
    ]


def report_columns(*, with_text: bool) -> list[CsvColumn]:
    columns = [
        CsvColumn("number", "number", "number"),
        CsvColumn("report_number", "number", "number"),
        CsvColumn("title", "title"),
        CsvColumn("url", "url"),
        CsvColumn("source_domain", "source_domain"),
        CsvColumn("language", "language"),
        CsvColumn("kind", "kind"),
        CsvColumn("authors", "authors", "array"),
        CsvColumn("submitters", "submitters", "array"),
        CsvColumn("tags", "tags", "array"),
        CsvColumn("date_published", "date_published", "date"),
        CsvColumn("date_downloaded", "date_downloaded", "date"),
        CsvColumn("date_submitted", "date_submitted", "date"),
        CsvColumn("date_modified", "date_modified", "date"),
        CsvColumn("description", "description"),
        CsvColumn("image_url", "image_url"),
        CsvColumn("flagged", "flagged", "bool"),
        CsvColumn("incidents", F("incident_ids"), "array"),
        CsvColumn("incident_ids", F("incident_ids"), "array"),
        _classifications(),
        *PROVENANCE,
        CsvColumn("created_at", "created_at", "datetime"),
        CsvColumn("modified_at", "modified_at", "datetime"),
        _permalink("permalink", "reports", "number"),
    ]
    if with_text:
        columns.append(CsvColumn("text", "text"))
    return columns


def entity_columns() -> list[CsvColumn]:
    return [
        CsvColumn("slug", "slug"),
        CsvColumn("entity_id", "slug"),
        CsvColumn("name", "name"),
        CsvColumn("aliases", "aliases", "array"),
        CsvColumn("description", "description"),
        CsvColumn("modified_at", "modified_at", "datetime"),
        _permalink("permalink", "entities", "slug"),
    ]


def taxonomy_columns() -> list[CsvColumn]:
    field_rows = Func(F("field_rows"), function="to_json", output_field=JSONField())
    return [
        CsvColumn("namespace", "namespace"),
        CsvColumn("name", "name"),
        CsvColumn("description", "description"),
        CsvColumn("weight", "weight", "number"),
        # Python orders each field's keys (jsonb sorts them): a few rows, written by Python.
        CsvColumn(
            "fields",
            field_rows,
            "document",
            finish=TaxonomyFieldListField().to_representation,
            sql_exact=False,
        ),
    ]


def classification_columns() -> list[CsvColumn]:
    return [
        CsvColumn("id", "id", "number"),
        CsvColumn("namespace", "taxonomy__namespace"),
        CsvColumn("incident", "incident_id", "number"),
        CsvColumn("report", "report_id", "number"),
        CsvColumn("notes", "notes"),
        CsvColumn("values", F("value_map"), "document", finish=lambda v: v or {}),
        CsvColumn("modified_at", "modified_at", "datetime"),
    ]


def incident_merge_columns() -> list[CsvColumn]:
    return [
        CsvColumn("old_id", "old_id", "number"),
        CsvColumn("new_id", "target_id", "number"),
        CsvColumn("merged_at", "created_at", "datetime"),
    ]


def entity_merge_columns() -> list[CsvColumn]:
    return [
        CsvColumn("old_entity_id", "old_slug"),
        CsvColumn("new_entity_id", "target__slug"),
        CsvColumn("merged_at", "created_at", "datetime"),
    ]
