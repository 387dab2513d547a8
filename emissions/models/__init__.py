from emissions.models.conference import ChecklistAnswer, Review, ReviewAssignment  # noqa: F401
from emissions.models.disclosure import (
    AWAITING_REVIEW_STATES,
    EDITABLE_STATES,
    OPEN_STATES,
    Architecture,
    Disclosure,
    DisclosureState,
    EmissionsBasis,
    Method,
)
from emissions.models.exports import ExportJob, ExportJobState  # noqa: F401
from emissions.models.override import OverrideOutcome, VerificationOverride
from emissions.models.recomputation import Recomputation, Verdict
from emissions.models.review import DisclosureComment, ReviewConflict
from emissions.models.venue import ChecklistItem, ReviewPhase, Venue  # noqa: F401

__all__ = [
    "AWAITING_REVIEW_STATES",
    "EDITABLE_STATES",
    "OPEN_STATES",
    "Architecture",
    "Disclosure",
    "DisclosureComment",
    "DisclosureState",
    "EmissionsBasis",
    "Method",
    "OverrideOutcome",
    "Recomputation",
    "ReviewConflict",
    "Venue",
    "Verdict",
    "VerificationOverride",
]
