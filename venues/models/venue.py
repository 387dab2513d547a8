"""Conferences and journals that ask for an emissions disclosure with a paper.

A venue holds its calendar, its review phases (as rows: who may see and do what, when), the
compute checklist it asks reviewers to answer, and its team of chairs and reviewers.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Venue(models.Model):
    """A venue a disclosure may be submitted to, for example "NeurIPS 2026"."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    review_deadline = models.DateTimeField(null=True, blank=True)
    decision_deadline = models.DateTimeField(null=True, blank=True)
    reviewers_per_paper = models.PositiveSmallIntegerField(default=3)
    chairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="chaired_venues"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviewing_venues"
    )

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_venue"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="venue_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewers_per_paper__gte=1, reviewers_per_paper__lte=10),
                name="venue_reviewers_per_paper_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/venues/{self.slug}/"


class ReviewPhase(models.Model):
    """A window of the venue's calendar and what each side may see and do during it.

    The phase in force is the one that started last (starts_at <= now); before the first phase
    starts nothing is open to reviewers.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=100)
    starts_at = models.DateTimeField()
    reviewers_may_review = models.BooleanField(default=False)
    reviewers_see_other_reviews = models.BooleanField(default=False)
    authors_see_reviews = models.BooleanField(default=False)
    chairs_may_decide = models.BooleanField(default=False)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_reviewphase"
        ordering = ["venue", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "starts_at"], name="review_phase_start_unique")
        ]

    def __str__(self) -> str:
        return f"{self.venue.slug}: {self.name}"

    def is_current(self, at: datetime | None = None) -> bool:
        return self.starts_at <= (at or timezone.now())


class ChecklistItem(models.Model):
    """One question of the venue's compute/emissions checklist (answered Yes / No / NA)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="checklist_items")
    code = models.SlugField(max_length=50)
    label = models.CharField(max_length=200)
    question = models.TextField()
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_checklistitem"
        ordering = ["venue", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "code"], name="checklist_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.venue.slug}: {self.label}"
