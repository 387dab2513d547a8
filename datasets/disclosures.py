"""Verified emission disclosures in a snapshot, each with its current recomputation.

Which disclosures are public is decided by the emissions app's one visibility selector
(`disclosures_visible_to(None)`: what an anonymous visitor may see, i.e. verified ones); this
module only shapes them into columns.
"""

from __future__ import annotations

from typing import Any

from datasets.sql import select_list
from emissions.models import Disclosure, Recomputation
from emissions.selectors import disclosures_visible_to

DISCLOSURE = Disclosure._meta.db_table
RECOMPUTATION = Recomputation._meta.db_table
LINKED_SYSTEMS = Disclosure.linked_systems.through._meta.db_table
VENUE = Disclosure._meta.get_field("venue").related_model._meta.db_table

COLUMNS: list[tuple[str, str]] = [
    ("id", "d.id"),
    ("version", "d.version"),
    ("supersedes", "d.supersedes_id"),
    ("model_name", "d.model_name"),
    ("model_version", "d.model_version"),
    ("parameters", "d.parameters"),
    ("architecture", "d.architecture"),
    ("activated_share", "d.activated_share"),
    ("organisation", "d.organisation"),
    ("paper_title", "d.paper_title"),
    ("paper_authors", "array_to_json(d.paper_authors)"),
    ("doi", "d.doi"),
    ("arxiv_id", "d.arxiv_id"),
    ("venue", "v.slug"),
    ("venue_submission_id", "d.venue_submission_id"),
    ("runs", "d.runs"),
    ("claim_energy_kwh", "d.claim_energy_kwh"),
    ("claim_tco2e", "d.claim_tco2e"),
    ("claim_basis", "d.claim_basis"),
    ("method", "d.method"),
    ("tool_name", "d.tool_name"),
    ("tool_version", "d.tool_version"),
    ("includes_preliminary_experiments", "d.includes_preliminary_experiments"),
    ("justification", "d.justification"),
    (
        "linked_systems",
        f"""coalesce((SELECT array_to_json(array_agg(e.slug ORDER BY e.slug))
            FROM {LINKED_SYSTEMS} ls JOIN incidents_entity e ON e.id = ls.entity_id
            WHERE ls.disclosure_id = d.id), '[]'::json)""",  # noqa: S608
    ),
    ("submitted_at", "d.submitted_at"),
    ("decided_at", "d.decided_at"),
    ("recomputation_verdict", "rc.verdict"),
    ("recomputed_energy_kwh", "rc.energy_kwh"),
    ("recomputed_gross_tco2e", "rc.gross_tco2e"),
    ("recomputed_net_tco2e", "rc.net_tco2e"),
    ("recomputed_low_tco2e", "rc.low_tco2e"),
    ("recomputed_high_tco2e", "rc.high_tco2e"),
    ("recomputation_flags", "rc.flags"),
    ("recomputation_catalog_version", "rc.catalog_version"),
]
TEXT_COLUMNS = frozenset(
    {
        "model_name",
        "model_version",
        "organisation",
        "paper_title",
        "doi",
        "arxiv_id",
        "venue_submission_id",
        "tool_name",
        "tool_version",
        "justification",
    }
)


def public_disclosures_from() -> tuple[str, list[Any]]:
    """The FROM clause of public disclosures (with their current recomputation) and its
    parameters, built on the emissions app's visibility selector."""
    visible_sql, params = (
        disclosures_visible_to(None).order_by().values("id").query.sql_with_params()
    )
    from_clause = f"""FROM {DISCLOSURE} d
LEFT JOIN {VENUE} v ON v.id = d.venue_id
LEFT JOIN LATERAL (
    SELECT r.* FROM {RECOMPUTATION} r
    WHERE r.disclosure_id = d.id AND r.input_hash = d.input_hash
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1) rc ON true
WHERE d.id IN ({visible_sql})
ORDER BY d.id"""  # noqa: S608
    return from_clause, list(params)


def disclosure_columns(*, defuse: bool) -> str:
    """The select list (`defuse`: shaped for CSV), with `%` doubled: it goes into a
    statement that has parameters."""
    columns = select_list(COLUMNS, defuse=TEXT_COLUMNS, for_csv=defuse)
    return columns.replace("%", "%%")
