from incidents.models.catalog import (
    DatePrecision,
    Entity,
    EntityRedirect,
    EntityRole,
    Incident,
    IncidentEntity,
    IncidentLink,
    IncidentLinkKind,
    IncidentRedirect,
    Report,
    ReportKind,
)
from incidents.models.submissions import Submission, SubmissionState
from incidents.models.taxonomy import (
    Classification,
    ClassificationValue,
    DisplayType,
    Taxonomy,
    TaxonomyField,
)

__all__ = [
    "Classification",
    "ClassificationValue",
    "DatePrecision",
    "DisplayType",
    "Entity",
    "EntityRedirect",
    "EntityRole",
    "Incident",
    "IncidentEntity",
    "IncidentLink",
    "IncidentLinkKind",
    "IncidentRedirect",
    "Report",
    "ReportKind",
    "Submission",
    "SubmissionState",
    "Taxonomy",
    "TaxonomyField",
]
