"""Generic taxonomies (MIT, GMF, CSET, ...) and classifications, with no schema per taxonomy."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from incidents.models.catalog import Incident, Provenance, Report


class DisplayType(models.TextChoices):
    STRING = "string", "String"
    TEXT = "text", "Text"
    LONG_STRING = "long_string", "Long string"
    MULTI = "multi", "Multiple choice"
    ENUM = "enum", "Single choice"
    BOOL = "bool", "Yes / no"
    INT = "int", "Whole number"
    DATE = "date", "Date"
    LIST = "list", "List"
    LOCATION = "location", "Location"
    OBJECT_LIST = "object-list", "List of objects"


class Taxonomy(Provenance):
    namespace = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    weight = models.IntegerField(default=0)

    class Meta:
        ordering = ["weight", "namespace"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.namespace

    def get_absolute_url(self) -> str:
        return f"/taxonomies/{self.namespace}/"


class TaxonomyField(models.Model):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="fields")
    field_number = models.CharField(max_length=16, blank=True)
    short_name = models.CharField(max_length=200)
    long_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    display_type = models.CharField(
        max_length=16, choices=DisplayType.choices, default=DisplayType.STRING
    )
    permitted_values = models.JSONField(default=list, blank=True)
    weight = models.IntegerField(default=0)
    instant_facet = models.BooleanField(default=False)
    required = models.BooleanField(default=False)
    public = models.BooleanField(default=True)
    # Annotation bookkeeping (annotator, peer reviewer, status...): editors only, never
    # shown on public pages, facets, the API or datasets, whoever is signed in.
    internal = models.BooleanField(
        default=False,
        help_text="Annotation bookkeeping: shown to editors only, never to the public.",
    )

    class Meta:
        ordering = ["taxonomy", "weight", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "short_name"], name="taxonomy_field_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(display_type__in=DisplayType.values),
                name="taxonomy_field_display_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.taxonomy_id}:{self.short_name}"


class Classification(Provenance):
    """A taxonomy's values for one incident or one report.

    `facets` denormalises every atomic value as "Namespace:field:value" so that filtering by
    taxonomy values is one GIN-indexed containment test; the classification service keeps it
    in step with the values.
    """

    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="classifications")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="classifications"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="classifications"
    )
    publish = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    facets = ArrayField(models.CharField(max_length=600), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(incident__isnull=False, report__isnull=True)
                    | models.Q(incident__isnull=True, report__isnull=False)
                ),
                name="classification_one_subject",
            ),
            models.UniqueConstraint(
                fields=["taxonomy", "incident"],
                condition=models.Q(incident__isnull=False),
                name="classification_unique_incident",
            ),
            models.UniqueConstraint(
                fields=["taxonomy", "report"],
                condition=models.Q(report__isnull=False),
                name="classification_unique_report",
            ),
        ]
        indexes = [GinIndex(fields=["facets"], name="classification_facets_gin")]

    def __str__(self) -> str:
        subject = f"incident {self.incident_id}" if self.incident_id else f"report {self.report_id}"
        return f"{self.taxonomy_id} classification of {subject}"


class ClassificationValue(models.Model):
    classification = models.ForeignKey(
        Classification, on_delete=models.CASCADE, related_name="values"
    )
    field = models.ForeignKey(TaxonomyField, on_delete=models.CASCADE, related_name="values")
    value = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classification", "field"], name="classification_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_id}={self.value!r}"
