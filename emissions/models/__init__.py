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
from emissions.models.override import OverrideOutcome, VerificationOverride
from emissions.models.recomputation import Recomputation, Verdict
from emissions.models.review import DisclosureComment, ReviewConflict
from emissions.models.system_link import SystemModelLink, SystemRelation

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
    "SystemModelLink",
    "SystemRelation",
    "Verdict",
    "VerificationOverride",
]
