"""A reviewer's override of the recomputation's verdict, and the second person's answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from emissions.models.disclosure import Disclosure
from emissions.models.recomputation import Recomputation, Verdict


class OverrideOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VerificationOverride(models.Model):
    """An "accept despite the verdict": requested by one person, confirmed by another.

    Written only by the workflow services, in the transaction of the transition it records.
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="overrides")
    recomputation = models.ForeignKey(Recomputation, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        max_length=10, choices=OverrideOutcome.choices, default=OverrideOutcome.PENDING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=OverrideOutcome.values),
                name="override_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="override_verdict_valid"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_reason_given"),
            # The four-eyes rule, kept by the database too.
            models.CheckConstraint(
                condition=models.Q(answered_by__isnull=True)
                | ~models.Q(answered_by=models.F("requested_by")),
                name="override_answered_by_someone_else",
            ),
            models.UniqueConstraint(
                fields=["disclosure"],
                condition=models.Q(outcome="pending"),
                name="override_one_pending_per_disclosure",
            ),
        ]

    def __str__(self) -> str:
        return f"Override of {self.verdict} on {self.disclosure_id} ({self.outcome})"
