"""A venue export built in the background: its progress, its file and when the file expires."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from venues.models.venue import Venue


class ExportJobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Building"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class ExportJob(models.Model):
    """One build of a venue's ZIP of review packets.

    The file lives under EXPORTS_ROOT at `file_name`; after `expires_at` the cleanup task
    deletes it and marks the job expired.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_size = models.CharField(max_length=6, default="A4")
    state = models.CharField(
        max_length=8, choices=ExportJobState.choices, default=ExportJobState.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the build at every packet: a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_exportjob"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ExportJobState.values), name="export_job_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(page_size__in=["A4", "Letter"]),
                name="export_job_page_size_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="export_job_progress_bounded",
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.venue_id} ({self.state})"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == ExportJobState.DONE
            and bool(self.file_name)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
