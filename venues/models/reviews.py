"""A venue's review of its papers' disclosures: assignments, reviews and checklist answers.

Declared conflicts live in `emissions.models.review.ReviewConflict` (the disclosures workflow
owns them); this module only records who reviews which paper and what they said.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from emissions.models.disclosure import Disclosure
from venues.models.venue import ChecklistItem, Venue


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", "Assigned by hand"
    AUTOMATIC = "automatic", "Balanced automatic assignment"
    IMPORT = "import", "Imported from a file"


class ReviewAssignment(models.Model):
    """A reviewer asked to review one paper's disclosure at a venue."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="assignments")
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_reviewassignment"
        ordering = ["venue", "disclosure", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "reviewer"], name="review_assignment_once"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=AssignmentSource.values),
                name="review_assignment_source_valid",
            ),
        ]
        indexes = [models.Index(fields=["venue", "reviewer"])]

    def __str__(self) -> str:
        return f"{self.reviewer_id} reviews {self.disclosure_id}"


class Recommendation(models.TextChoices):
    VERIFY = "verify", "Verify"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"


class Review(models.Model):
    """A reviewer's assessment of one disclosure; editable until the phase closes reviewing."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    completeness = models.PositiveSmallIntegerField(
        help_text="How completely the disclosure reports its compute: 1 (barely) to 5 (fully)"
    )
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_review"
        ordering = ["assignment__disclosure", "submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completeness__gte=1, completeness__lte=5),
                name="review_completeness_range",
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation__in=Recommendation.values),
                name="review_recommendation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}: {self.recommendation}"


class ChecklistAnswerValue(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NA = "na", "NA"


class ChecklistAnswer(models.Model):
    """A reviewer's Yes / No / NA to one checklist item; No and NA need a justification."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=3, choices=ChecklistAnswerValue.choices)
    justification = models.TextField(blank=True)

    class Meta:
        # The table it had in the emissions app (venues/migrations/0001_initial.py).
        db_table = "emissions_checklistanswer"
        ordering = ["review", "item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="checklist_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=ChecklistAnswerValue.values),
                name="checklist_answer_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(answer=ChecklistAnswerValue.YES) | ~models.Q(justification=""),
                name="checklist_answer_no_or_na_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"
