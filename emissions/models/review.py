"""What reviewers add to a disclosure: comments to the researcher and declared conflicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from emissions.models.disclosure import Disclosure


class DisclosureComment(models.Model):
    """A note from a reviewer (or the researcher's reply), visible to both sides."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author_id} on {self.disclosure_id}"


class ReviewConflict(models.Model):
    """A conflict of interest declared by a reviewer or a chair; detected ones are not stored."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "reviewer"], name="review_conflict_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} conflicted on {self.disclosure_id}"
