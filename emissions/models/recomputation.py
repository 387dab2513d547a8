"""The estimator's recomputation of a disclosure, kept per input and factor-catalog version."""

from __future__ import annotations

from django.db import models

from emissions.models.disclosure import Disclosure


class Verdict(models.TextChoices):
    CONSISTENT = "consistent", "Consistent"
    MINOR_DISCREPANCY = "minor_discrepancy", "Minor discrepancy"
    MAJOR_DISCREPANCY = "major_discrepancy", "Major discrepancy"
    IMPLAUSIBLE = "implausible", "Implausible"
    INSUFFICIENT_DATA = "insufficient_data", "Insufficient data"


class Recomputation(models.Model):
    """What the estimator made of one disclosure's runs and claim under one catalog version.

    Unique per (disclosure, input_hash, catalog_version): recomputing the same input twice
    keeps one row, so the task can be retried or redelivered freely.
    """

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="recomputations"
    )
    input_hash = models.CharField(max_length=64)
    catalog_version = models.CharField(max_length=64)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    energy_kwh = models.FloatField(null=True, blank=True)
    gross_tco2e = models.FloatField(null=True, blank=True)
    net_tco2e = models.FloatField(null=True, blank=True)
    low_tco2e = models.FloatField(null=True, blank=True)
    high_tco2e = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "input_hash", "catalog_version"],
                name="recomputation_once_per_input_and_catalog",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="recomputation_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Recomputation of {self.disclosure_id} ({self.verdict}, {self.catalog_version})"
