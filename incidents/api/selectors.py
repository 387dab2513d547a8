"""Read paths of the public API: what the public may see of the catalog, in one query per page.

Each list selector annotates the related data an API row needs (entity links, report numbers,
classification values) as arrays or JSON computed by PostgreSQL, so a page of 5 rows and a
page of 200 rows cost the same single query. What is visible is what `incidents.visibility`
shows the public: published classifications of public taxonomies, public fields only.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import DateField, JSONField, OuterRef, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject

from incidents.models import (
    Classification,
    Entity,
    Incident,
    IncidentEntity,
    Report,
    Taxonomy,
)
from incidents.normalise import normalise_url
from incidents.visibility import (
    public_classification_sql,
    public_field_sql,
    visible_classifications,
    visible_fields,
    visible_taxonomies,
)

# The earliest date PostgreSQL accepts for a `date`: it sorts undated records last in
# descending order and gives cursor pagination a non-null position for every row.
UNDATED = datetime.date(1, 1, 1)

ReportIncidents = Report.incidents.through

# Published classifications of public taxonomies, each with its public fields' values in the
# taxonomy's field order, as a JSON array: [{"namespace": "MIT", "values": {"Risk Domain": ...}}].
# `json` (not `jsonb`) keeps the field order; it is sent as text for JSONField to decode.
_CLASSIFICATIONS_SQL = """
SELECT coalesce(json_agg(json_build_object(
        'namespace', t.namespace,
        'values', (
            SELECT coalesce(json_object_agg(f.short_name, v.value ORDER BY f.weight, f.id),
                            '{{}}'::json)
            FROM incidents_classificationvalue v
            JOIN incidents_taxonomyfield f ON f.id = v.field_id
            WHERE v.classification_id = c.id AND {public_field}
        )
    ) ORDER BY t.weight, t.namespace), '[]'::json)::text
FROM incidents_classification c
JOIN incidents_taxonomy t ON t.id = c.taxonomy_id
WHERE c.{column} = {outer_table}.{outer_key} AND {public_classification}
"""


def _classifications_of(*, column: str, outer_table: str, outer_key: str) -> RawSQL:
    sql = _CLASSIFICATIONS_SQL.format(
        column=column,
        outer_table=outer_table,
        outer_key=outer_key,
        public_field=public_field_sql("f"),
        public_classification=public_classification_sql("c", taxonomy_alias="t"),
    )
    # Only constant identifiers from this module are formatted in; no user input.
    return RawSQL(sql, [], output_field=JSONField())  # noqa: S611


def incidents_for_api() -> QuerySet[Incident]:
    """Incidents with `entity_rows`, `report_numbers`, `classification_rows` and `date_key`."""
    entity_rows = ArraySubquery(
        IncidentEntity.objects.filter(incident=OuterRef("pk"))
        .order_by("role", "entity__name", "entity__slug")
        .values(row=JSONObject(role="role", slug="entity__slug", name="entity__name"))
    )
    report_numbers = ArraySubquery(
        ReportIncidents.objects.filter(incident=OuterRef("pk"))
        .order_by("report_id")
        .values("report_id")
    )
    return (
        Incident.objects.defer("search_vector", "editor_notes")
        .annotate(
            entity_rows=entity_rows,
            report_numbers=report_numbers,
            classification_rows=_classifications_of(
                column="incident_id", outer_table='"incidents_incident"', outer_key='"id"'
            ),
            date_key=Coalesce("date", Value(UNDATED), output_field=DateField()),
        )
        .order_by("-id")
    )


def reports_for_api(*, with_text: bool) -> QuerySet[Report]:
    """Reports with `incident_ids`, `classification_rows` and `date_key`; the long `text` body
    is loaded only when `with_text` (detail pages), not for lists."""
    deferred = ["search_vector", "editor_notes", "url_normalised"]
    if not with_text:
        deferred.append("text")
    incident_ids = ArraySubquery(
        ReportIncidents.objects.filter(report=OuterRef("pk"))
        .order_by("incident_id")
        .values("incident_id")
    )
    return (
        Report.objects.defer(*deferred)
        .annotate(
            incident_ids=incident_ids,
            classification_rows=_classifications_of(
                column="report_id", outer_table='"incidents_report"', outer_key='"number"'
            ),
            date_key=Coalesce("date_published", Value(UNDATED), output_field=DateField()),
        )
        .order_by("-number")
    )


def entities_for_api() -> QuerySet[Entity]:
    """Entities with `incident_rows`: [{"role": ..., "incident": id}] ordered by role and id."""
    incident_rows = ArraySubquery(
        IncidentEntity.objects.filter(entity=OuterRef("pk"))
        .order_by("role", "incident_id")
        .values(row=JSONObject(role="role", incident="incident_id"))
    )
    return Entity.objects.annotate(incident_rows=incident_rows).order_by("slug")


def classifications_for_api() -> QuerySet[Classification]:
    """Visible classifications with `namespace` and `value_map` (public fields only)."""
    # The visibility condition is a constant of `incidents.visibility`; no user input.
    value_map = RawSQL(  # noqa: S611
        f"""
        SELECT coalesce(json_object_agg(f.short_name, v.value ORDER BY f.weight, f.id),
                        '{{}}'::json)::text
        FROM incidents_classificationvalue v
        JOIN incidents_taxonomyfield f ON f.id = v.field_id
        WHERE v.classification_id = "incidents_classification"."id"
          AND {public_field_sql("f")}
        """,  # noqa: S608
        [],
        output_field=JSONField(),
    )
    return (
        visible_classifications()
        .select_related("taxonomy")
        .only(
            "id",
            "incident_id",
            "report_id",
            "publish",
            "notes",
            "modified_at",
            "taxonomy__namespace",
        )
        .annotate(value_map=value_map)
        .order_by("id")
    )


def taxonomies_for_api() -> QuerySet[Taxonomy]:
    """Public taxonomies with `field_rows`: their public fields in display order."""
    field_rows = ArraySubquery(
        visible_fields()
        .filter(taxonomy=OuterRef("pk"))
        .order_by("weight", "id")
        .values(
            row=JSONObject(
                field_number="field_number",
                short_name="short_name",
                long_name="long_name",
                description="description",
                display_type="display_type",
                permitted_values="permitted_values",
                weight="weight",
                instant_facet="instant_facet",
                required="required",
            )
        )
    )
    return visible_taxonomies().annotate(field_rows=field_rows).order_by("namespace")


def reports_matching_url(*, url: str) -> QuerySet[Report]:
    """Reports whose normalised URL equals `url`'s, each with `incident_ids`."""
    return (
        reports_for_api(with_text=False)
        .filter(url_normalised=normalise_url(url))
        .order_by("number")
    )
