"""Accounts and the append-only audit log shared by every domain workflow."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class Role(models.TextChoices):
    RESEARCHER = "researcher", "Researcher"
    REVIEWER = "reviewer", "Reviewer"
    EDITOR = "editor", "Editor"
    CHAIR = "chair", "Chair"
    STAFF = "staff", "Staff"


class User(AbstractUser):
    """A person. Everyone may disclose; the role adds review, curation or chairing powers."""

    email = models.EmailField("email address", blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RESEARCHER)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
            ),
        ]

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower() if "@" in self.email else ""

    def has_role(self, *roles: str) -> bool:
        """Staff hold every role; a chair also reviews."""
        if self.role == Role.STAFF or self.is_superuser:
            return True
        if self.role == Role.CHAIR and Role.REVIEWER in roles:
            return True
        return self.role in roles


class AuditEvent(models.Model):
    """One domain action: who did what to which record, from which state to which, and why.

    Rows are append-only: a database trigger (migration 0002) rejects UPDATE and DELETE.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    action = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.action} by {self.actor_label}"


class DataVersion(models.Model):
    """One row: a counter every committed write bumps (registry/cache.py). Cached public pages
    are keyed by it, so a write makes every cached page unreachable at once."""

    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="dataversion_one_row")]

    def __str__(self) -> str:
        return f"data version {self.value}"
