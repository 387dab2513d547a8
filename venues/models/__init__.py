from venues.models.exports import ExportJob, ExportJobState
from venues.models.reviews import (
    AssignmentSource,
    ChecklistAnswer,
    ChecklistAnswerValue,
    Recommendation,
    Review,
    ReviewAssignment,
)
from venues.models.venue import ChecklistItem, ReviewPhase, Venue

__all__ = [
    "AssignmentSource",
    "ChecklistAnswer",
    "ChecklistAnswerValue",
    "ChecklistItem",
    "ExportJob",
    "ExportJobState",
    "Recommendation",
    "Review",
    "ReviewAssignment",
    "ReviewPhase",
    "Venue",
]
