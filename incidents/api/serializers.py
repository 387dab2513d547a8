"""Serializers of the public read API. They only shape rows from `incidents.api.selectors`
(whose annotations carry the related data), so they never query the database."""

from __future__ import annotations

import copy
import datetime
from typing import Any, ClassVar

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import (
    Classification,
    Entity,
    EntityRole,
    Incident,
    Report,
    Taxonomy,
)

ROLES = [role.value for role in EntityRole]


class EntityRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class EntitiesByRoleSerializer(serializers.Serializer):
    deployer = EntityRefSerializer(many=True, help_text=EntityRole.DEPLOYER.label)
    developer = EntityRefSerializer(many=True, help_text=EntityRole.DEVELOPER.label)
    harmed = EntityRefSerializer(many=True, help_text=EntityRole.HARMED.label)
    implicated_system = EntityRefSerializer(many=True, help_text=EntityRole.IMPLICATED_SYSTEM.label)


class IncidentIdsByRoleSerializer(serializers.Serializer):
    deployer = serializers.ListField(child=serializers.IntegerField())
    developer = serializers.ListField(child=serializers.IntegerField())
    harmed = serializers.ListField(child=serializers.IntegerField())
    implicated_system = serializers.ListField(child=serializers.IntegerField())


class ClassificationSummarySerializer(serializers.Serializer):
    namespace = serializers.CharField()
    values = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Public field short names to values (JSON: text, number, list, ...).",
    )


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class IntegerListField(serializers.ReadOnlyField):
    """An integer array computed by the selector, passed through as is."""

    def to_representation(self, value: Any) -> list[int]:
        return value or []


@extend_schema_field(ClassificationSummarySerializer(many=True))
class ClassificationListField(serializers.ReadOnlyField):
    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        return value or []


# Field types whose representation of a model attribute is the attribute itself (the values
# come from the database already as str / int / bool / list of str).
_PLAIN_FIELDS = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)


class FastReadSerializerMixin:
    """Read-only serializers for large lists, producing exactly DRF's output faster.

    ModelSerializer introspects the model to build its fields on every instantiation, and
    then runs the generic per-field machinery for every cell: together several times the cost
    of the query for a page of 50 rows. Here the fields are built once per class (copied per
    instance), and plain attributes, dates and UTC datetimes are read directly; any other
    field (method fields, nested data) still goes through its own `to_representation`.
    """

    _built_fields: ClassVar[dict[type, dict[str, serializers.Field]]] = {}
    _plans: ClassVar[dict[type, list[tuple[str, str, str]]]] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        if cls not in FastReadSerializerMixin._built_fields:
            FastReadSerializerMixin._built_fields[cls] = super().get_fields()  # type: ignore[misc]
        return copy.deepcopy(FastReadSerializerMixin._built_fields[cls])

    def _plan(self) -> list[tuple[str, str, str]]:
        cls = type(self)
        if cls not in FastReadSerializerMixin._plans:
            plan = []
            for name, field in self.fields.items():  # type: ignore[attr-defined]
                simple = len(field.source_attrs) == 1 and field.source != "*"
                if simple and isinstance(field, serializers.DateTimeField):
                    kind = "datetime"
                elif simple and isinstance(field, serializers.DateField):
                    kind = "date"
                elif simple and (
                    isinstance(field, _PLAIN_FIELDS)
                    or (
                        isinstance(field, serializers.ListField)
                        and isinstance(field.child, _PLAIN_FIELDS)
                    )
                ):
                    kind = "plain"
                else:
                    kind = "field"
                plan.append((name, field.source, kind))
            FastReadSerializerMixin._plans[cls] = plan
        return FastReadSerializerMixin._plans[cls]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        fields = self.fields  # type: ignore[attr-defined]
        data: dict[str, Any] = {}
        for name, source, kind in self._plan():
            if kind == "field":
                field = fields[name]
                value = field.get_attribute(instance)
                data[name] = None if value is None else field.to_representation(value)
                continue
            value = getattr(instance, source)
            if value is None or kind == "plain":
                data[name] = value
            elif kind == "date":
                data[name] = value.isoformat()
            else:  # an aware datetime, stored and read in UTC (USE_TZ, TIME_ZONE = "UTC")
                text = value.astimezone(datetime.UTC).isoformat()
                data[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
        return data


def _permalink(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class IncidentSerializer(FastReadSerializerMixin, serializers.ModelSerializer):
    """An incident: what happened, when, the entities involved by role, its reports and its
    published classifications."""

    incident_id = serializers.IntegerField(
        source="id", read_only=True, help_text="The incident's id (AIID: `incident_id`)."
    )
    entities = serializers.SerializerMethodField(
        help_text="Entities named in the incident, by role (AIID: Alleged deployer, ...)."
    )
    reports = IntegerListField(source="report_numbers", help_text="Report numbers.")
    classifications = ClassificationListField(source="classification_rows")
    permalink = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "incident_id",
            "title",
            "description",
            "date",
            "date_precision",
            "entities",
            "reports",
            "classifications",
            "editors",
            "source",
            "source_license",
            "source_attribution",
            "created_at",
            "modified_at",
            "permalink",
        ]

    @extend_schema_field(EntitiesByRoleSerializer)
    def get_entities(self, incident: Incident) -> dict[str, list[dict[str, str]]]:
        by_role: dict[str, list[dict[str, str]]] = {role: [] for role in ROLES}
        for row in incident.entity_rows or []:
            by_role[row["role"]].append({"slug": row["slug"], "name": row["name"]})
        return by_role

    def get_permalink(self, incident: Incident) -> str:
        return _permalink(f"/incidents/{incident.id}/")


class ReportSerializer(FastReadSerializerMixin, serializers.ModelSerializer):
    """A report (news article, statement, ...) about incidents; lists omit its text."""

    report_number = serializers.IntegerField(
        source="number", read_only=True, help_text="The report's number (AIID: `report_number`)."
    )
    incidents = IntegerListField(source="incident_ids", help_text="Incident ids (none: an issue).")
    incident_ids = IntegerListField(
        help_text="The same as `incidents`, under the name search hits and exports use."
    )
    classifications = ClassificationListField(source="classification_rows")
    permalink = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "number",
            "report_number",
            "title",
            "url",
            "source_domain",
            "language",
            "kind",
            "authors",
            "submitters",
            "tags",
            "date_published",
            "date_downloaded",
            "date_submitted",
            "date_modified",
            "description",
            "image_url",
            "flagged",
            "incidents",
            "incident_ids",
            "classifications",
            "source",
            "source_license",
            "source_attribution",
            "created_at",
            "modified_at",
            "permalink",
        ]

    def get_permalink(self, report: Report) -> str:
        return _permalink(f"/reports/{report.number}/")


class ReportDetailSerializer(ReportSerializer):
    """A report with its full text (Markdown)."""

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "text"]


class EntitySerializer(FastReadSerializerMixin, serializers.ModelSerializer):
    """An organisation, group of people or AI system named in incidents."""

    # Any text without a slash: AIID slugs include `15.ai`, `@ghostwriter`, `x-(twitter)`.
    slug = serializers.CharField(read_only=True, help_text="Identifier in URLs (AIID: entity_id).")
    entity_id = serializers.CharField(
        source="slug", read_only=True, help_text="The entity's slug (AIID: `entity_id`)."
    )
    permalink = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = ["slug", "entity_id", "name", "aliases", "description", "modified_at", "permalink"]

    def get_permalink(self, entity: Entity) -> str:
        return _permalink(f"/entities/{entity.slug}/")


class EntityDetailSerializer(EntitySerializer):
    """An entity with the incidents naming it, by role."""

    incidents = serializers.SerializerMethodField(help_text="Incident ids naming it, by role.")

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "incidents"]

    @extend_schema_field(IncidentIdsByRoleSerializer)
    def get_incidents(self, entity: Entity) -> dict[str, list[int]]:
        by_role: dict[str, list[int]] = {role: [] for role in ROLES}
        for row in entity.incident_rows or []:
            by_role[row["role"]].append(row["incident"])
        return by_role


class TaxonomyFieldSerializer(serializers.Serializer):
    field_number = serializers.CharField()
    short_name = serializers.CharField()
    long_name = serializers.CharField()
    description = serializers.CharField()
    display_type = serializers.CharField()
    permitted_values = serializers.JSONField()
    weight = serializers.IntegerField()
    instant_facet = serializers.BooleanField()
    required = serializers.BooleanField()


TAXONOMY_FIELD_KEYS = list(TaxonomyFieldSerializer().fields)


@extend_schema_field(TaxonomyFieldSerializer(many=True))
class TaxonomyFieldListField(serializers.ReadOnlyField):
    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        # PostgreSQL's jsonb sorts keys; present them in the documented order.
        return [{key: row[key] for key in TAXONOMY_FIELD_KEYS} for row in value or []]


class TaxonomySerializer(FastReadSerializerMixin, serializers.ModelSerializer):
    """A public taxonomy (MIT, GMF, CSET, ...) and its public fields in display order."""

    fields = TaxonomyFieldListField(source="field_rows", help_text="Public fields, in order.")

    class Meta:
        model = Taxonomy
        fields = ["namespace", "name", "description", "weight", "fields"]


class ClassificationSerializer(FastReadSerializerMixin, serializers.ModelSerializer):
    """A published classification of an incident or a report: public field values only."""

    namespace = serializers.CharField(source="taxonomy.namespace")
    incident = serializers.IntegerField(source="incident_id", allow_null=True)
    report = serializers.IntegerField(source="report_id", allow_null=True)
    values = serializers.SerializerMethodField(help_text="Public field short names to values.")

    class Meta:
        model = Classification
        fields = ["id", "namespace", "incident", "report", "notes", "values", "modified_at"]

    @extend_schema_field(serializers.DictField(child=serializers.JSONField()))
    def get_values(self, classification: Classification) -> dict[str, Any]:
        return classification.value_map or {}


class LookupReportSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    incidents = serializers.ListField(child=serializers.IntegerField())


class LookupSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The URL as asked.")
    url_normalised = serializers.CharField(help_text="The comparable form used for matching.")
    found = serializers.BooleanField()
    reports = LookupReportSerializer(many=True)
    incidents = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every incident any matching report is in."
    )


__all__ = [
    "ClassificationSerializer",
    "EntityDetailSerializer",
    "EntitySerializer",
    "IncidentSerializer",
    "LookupSerializer",
    "ReportDetailSerializer",
    "ReportSerializer",
    "TaxonomySerializer",
]
