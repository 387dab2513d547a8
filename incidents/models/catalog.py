"""The incident catalog: incidents, reports (many-to-many), entities and their roles."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

AIID_LICENSE = "CC BY-SA 4.0"
AIID_ATTRIBUTION = "AI Incident Database, Responsible AI Collaborative (incidentdatabase.ai)"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class ReportKind(models.TextChoices):
    INCIDENT_REPORT = "incident_report", "Incident report"
    ISSUE = "issue", "Issue"
    RESPONSE = "response", "Response"
    VARIANT = "variant", "Variant"


class EntityRole(models.TextChoices):
    DEPLOYER = "deployer", "Alleged deployer of AI system"
    DEVELOPER = "developer", "Alleged developer of AI system"
    HARMED = "harmed", "Alleged harmed or nearly harmed parties"
    IMPLICATED_SYSTEM = "implicated_system", "Implicated AI system"


class Provenance(models.Model):
    """Where a record came from and under which licence, kept with imported data."""

    source = models.CharField(max_length=32, default="registry")
    source_license = models.CharField(max_length=64, blank=True)
    source_attribution = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class Incident(Provenance):
    """An AI incident. Its integer id is public and permanent."""

    id = models.AutoField(primary_key=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    editors = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    editor_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date"]),
            # The incident list's default order and the home page's latest additions: a page
            # of them is read from an index instead of sorting every incident.
            models.Index(
                models.F("date").desc(nulls_last=True),
                models.F("id").desc(),
                name="incident_newest",
            ),
            models.Index(
                models.F("created_at").desc(), models.F("id").desc(), name="incident_added"
            ),
            GinIndex(fields=["search_vector"], name="incident_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_precision__in=DatePrecision.values),
                name="incident_date_precision_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Incident {self.id}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"/incidents/{self.id}/"


class IncidentRedirect(models.Model):
    """A merged duplicate's old id, answering with a redirect to the incident that absorbed it."""

    old_id = models.IntegerField(primary_key=True)
    target = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.target_id}"


class Report(Provenance):
    """A news article, statement or other source about one or more incidents (or none: an issue)."""

    number = models.AutoField(primary_key=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="Markdown; rendered through a sanitiser")
    description = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True)
    url_normalised = models.CharField(max_length=2000, blank=True, db_index=True)
    source_domain = models.CharField(max_length=255, blank=True, db_index=True)
    image_url = models.URLField(max_length=2000, blank=True)
    authors = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    submitters = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    language = models.CharField(max_length=16, default="en", blank=True)
    date_published = models.DateField(null=True, blank=True)
    date_downloaded = models.DateField(null=True, blank=True)
    date_submitted = models.DateField(null=True, blank=True)
    date_modified = models.DateField(null=True, blank=True)
    kind = models.CharField(
        max_length=20, choices=ReportKind.choices, default=ReportKind.INCIDENT_REPORT
    )
    flagged = models.BooleanField(default=False)
    editor_notes = models.TextField(blank=True)
    incidents = models.ManyToManyField(Incident, related_name="reports", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-date_published", "-number"]
        indexes = [
            models.Index(fields=["date_published"]),
            # The home page's latest reports (see incident_newest).
            models.Index(
                models.F("date_published").desc(nulls_last=True),
                models.F("number").desc(),
                name="report_newest",
            ),
            models.Index(fields=["language"]),
            GinIndex(fields=["search_vector"], name="report_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReportKind.values), name="report_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"/reports/{self.number}/"


class Entity(Provenance):
    """An organisation, group of people or AI system named in incidents."""

    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    aliases = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/entities/{self.slug}/"


class EntityRedirect(models.Model):
    old_slug = models.SlugField(max_length=200, primary_key=True)
    target = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.target_id}"


class IncidentEntity(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="incident_links")
    role = models.CharField(max_length=20, choices=EntityRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "entity", "role"], name="incident_entity_role_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=EntityRole.values), name="incident_entity_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["entity", "role"])]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.role} in {self.incident_id}"


class IncidentLinkKind(models.TextChoices):
    SIMILAR = "similar", "Similar (editor)"
    DISSIMILAR = "dissimilar", "Dissimilar (editor)"


class IncidentLink(models.Model):
    """Editors' curated similar / dissimilar incidents."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_from")
    other = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=16, choices=IncidentLinkKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "other"], name="incident_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(incident=models.F("other")), name="incident_link_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=IncidentLinkKind.values),
                name="incident_link_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.other_id}"
