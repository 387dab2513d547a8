"""The join of the two records in a snapshot: each AI system's links to models, with the
verified footprint of the model's disclosure when there is one.

A link whose disclosure is not public (not verified) is exported with no disclosure, the way
the system page shows it; which disclosures are public is the emissions app's one selector.
"""

from __future__ import annotations

from typing import Any

from datasets.sql import select_list
from emissions.models import Disclosure, Recomputation, SystemModelLink
from emissions.selectors import disclosures_visible_to
from incidents.models import Entity, IncidentEntity

LINK = SystemModelLink._meta.db_table
ENTITY = Entity._meta.db_table
ROLES = IncidentEntity._meta.db_table
DISCLOSURE = Disclosure._meta.db_table
RECOMPUTATION = Recomputation._meta.db_table

COLUMNS: list[tuple[str, str]] = [
    ("system", "e.slug"),
    ("system_name", "e.name"),
    (
        "system_incident_count",
        f"(SELECT count(DISTINCT r.incident_id) FROM {ROLES} r WHERE r.entity_id = e.id)",  # noqa: S608
    ),
    ("relation", "l.relation"),
    ("model_name", "l.model_name"),
    ("source", "l.source"),
    ("linked_at", "l.linked_at"),
    ("disclosure", "d.id"),
    ("disclosure_model_version", "d.model_version"),
    ("disclosure_organisation", "d.organisation"),
    ("claim_tco2e", "d.claim_tco2e"),
    ("recomputed_gross_tco2e", "rc.gross_tco2e"),
    ("recomputed_low_tco2e", "rc.low_tco2e"),
    ("recomputed_high_tco2e", "rc.high_tco2e"),
    ("recomputation_verdict", "rc.verdict"),
]
TEXT_COLUMNS = frozenset(
    {
        "system",
        "system_name",
        "relation",
        "model_name",
        "source",
        "disclosure_model_version",
        "disclosure_organisation",
    }
)


def system_footprints_from() -> tuple[str, list[Any]]:
    """The FROM clause of every link with its public disclosure and current recomputation."""
    visible_sql, params = (
        disclosures_visible_to(None).order_by().values("id").query.sql_with_params()
    )
    from_clause = f"""FROM {LINK} l
JOIN {ENTITY} e ON e.id = l.system_id
LEFT JOIN {DISCLOSURE} d ON d.id = l.disclosure_id AND d.id IN ({visible_sql})
LEFT JOIN LATERAL (
    SELECT r.* FROM {RECOMPUTATION} r
    WHERE r.disclosure_id = d.id AND r.input_hash = d.input_hash
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1) rc ON true
ORDER BY e.slug, l.id"""  # noqa: S608
    return from_clause, list(params)


def system_footprint_columns(*, defuse: bool) -> str:
    """The select list (`defuse`: shaped for CSV), `%` doubled for a statement with params."""
    return select_list(COLUMNS, defuse=TEXT_COLUMNS, for_csv=defuse).replace("%", "%%")
