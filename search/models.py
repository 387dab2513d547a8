"""Follows: what a signed-in person asked to hear about, and the address their digest goes to.

A follow is a saved search at heart: an incident, an entity, a taxonomy value or a search's
URL parameters, each read as one or more `SearchQuery`s (search/follows.py). Its watermarks are
the highest report number and incident id already announced, so a digest lists exactly what
was added since the last one (numbers and ids only grow).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FollowKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    ENTITY = "entity", "Entity"
    TAXONOMY = "taxonomy", "Taxonomy value"
    SEARCH = "search", "Saved search"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(max_length=16, choices=FollowKind.choices)
    # An incident id, an entity slug, a taxonomy facet value ("MIT:Domain:Privacy") or a
    # search's URL query string.
    target = models.CharField(max_length=1000)
    label = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    last_report_number = models.BigIntegerField(default=0)
    last_incident_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["kind", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "target"], name="follow_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=FollowKind.values), name="follow_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.target}"


class DigestAddress(models.Model):
    """Where a person's digest goes. No digest is sent until the address is confirmed by the
    emailed link; a change of account email needs a new confirmation (`email` is what was
    confirmed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_address"
    )
    email = models.EmailField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} ({'confirmed' if self.confirmed_at else 'unconfirmed'})"
