"""The public submission queue: a proposed report (and maybe a new incident) awaiting editors."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from incidents.models.catalog import Incident, Report


class SubmissionState(models.TextChoices):
    NEW = "new", "Received"
    IN_REVIEW = "in_review", "In review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class SubmissionOutcome(models.TextChoices):
    """What an editor made of a submission; empty while it is undecided."""

    NEW_INCIDENT = "new_incident", "Accepted as a new incident"
    EXISTING_INCIDENTS = "existing_incidents", "Accepted into existing incidents"
    ISSUE = "issue", "Accepted as an issue"
    REJECTED = "rejected", "Rejected"


ACCEPTED_OUTCOMES = (
    SubmissionOutcome.NEW_INCIDENT,
    SubmissionOutcome.EXISTING_INCIDENTS,
    SubmissionOutcome.ISSUE,
)


class Submission(models.Model):
    state = models.CharField(
        max_length=16, choices=SubmissionState.choices, default=SubmissionState.NEW
    )
    # The private link of the submitter's status page.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Sent with the form (and optionally as an API header) so a form posted twice files once.
    # A key counts within its scope only (the account, else the browser session or client):
    # someone else's key must never return their submission.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    idempotency_scope = models.CharField(max_length=80, blank=True, editable=False)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_submissions",
    )
    submitter_name = models.CharField(max_length=200, blank=True)
    submitter_email = models.EmailField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_submissions",
    )
    # The report as submitted (AIID field names).
    url = models.URLField(max_length=2000)
    url_normalised = models.CharField(max_length=2000, blank=True, db_index=True)
    source_domain = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    authors = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    date_published = models.DateField(null=True, blank=True)
    date_downloaded = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en", blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    quick_add = models.BooleanField(default=False)
    # Either existing incidents ...
    incident_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    # ... or a proposed new one.
    incident_title = models.CharField(max_length=500, blank=True)
    incident_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    deployers = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    developers = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    harmed_parties = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    # The outcome, kept after the decision.
    outcome = models.CharField(
        max_length=32, choices=SubmissionOutcome.choices, blank=True, default=""
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_submissions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resulting_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resulting_incidents = models.ManyToManyField(Incident, blank=True, related_name="+")
    possible_duplicate = models.BooleanField(default=False)
    source = models.CharField(max_length=32, default="registry")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=SubmissionState.values),
                name="submission_state_valid",
            ),
            # The outcome follows the state: none while open, an acceptance kind once accepted,
            # and a rejection always carries its reason.
            models.CheckConstraint(
                condition=(
                    models.Q(state__in=[SubmissionState.NEW, SubmissionState.IN_REVIEW], outcome="")
                    | models.Q(state=SubmissionState.ACCEPTED, outcome__in=ACCEPTED_OUTCOMES)
                    | (
                        models.Q(state=SubmissionState.REJECTED, outcome=SubmissionOutcome.REJECTED)
                        & ~models.Q(decision_reason="")
                    )
                ),
                name="submission_outcome_matches_state",
            ),
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="submission_idempotency_key_unique_in_scope",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Submission {self.pk}: {self.title or self.url}"

    def get_absolute_url(self) -> str:
        return f"/submit/status/{self.token}/"

    @property
    def link_url(self) -> str:
        """The URL when it is safe as an href (http or https only), else empty."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    @property
    def is_decided(self) -> bool:
        return self.state in (SubmissionState.ACCEPTED, SubmissionState.REJECTED)

    @property
    def proposes_new_incident(self) -> bool:
        return bool(self.incident_title) and not self.incident_ids
