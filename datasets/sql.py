"""SQL of the snapshot tables. Every statement is a constant of this module (no user input is
formatted in); COPY streams its rows straight to the files."""

from __future__ import annotations

from collections.abc import Iterable

from registry.spreadsheet import defused_sql

# Boolean columns of the snapshot tables: CSV spells them true/false (COPY would write t/f).
BOOLEAN_COLUMNS = frozenset({"flagged", "includes_preliminary_experiments"})


def _csv_expression(name: str, expression: str, defuse: frozenset[str]) -> str:
    if name in defuse:
        return defused_sql(expression)
    if name in BOOLEAN_COLUMNS:
        return f"CASE WHEN {expression} THEN 'true' WHEN NOT {expression} THEN 'false' END"
    return expression


def select_list(
    columns: Iterable[tuple[str, str]], *, defuse: frozenset[str], for_csv: bool = True
) -> str:
    """`expr AS "name", ...`; for CSV, the named text columns defused and booleans as words
    (JSON keeps native values)."""
    return ",\n       ".join(
        f'{_csv_expression(name, expr, defuse) if for_csv else expr} AS "{name}"'
        for name, expr in columns
    )


def slugs_in_role(role: str) -> str:
    """The incident's entity slugs in `role`, as a JSON array (a constant role name)."""
    return f"""coalesce((SELECT array_to_json(array_agg(e.slug ORDER BY e.slug))
        FROM incidents_incidententity ie JOIN incidents_entity e ON e.id = ie.entity_id
        WHERE ie.incident_id = i.id AND ie.role = '{role}'), '[]'::json)"""  # noqa: S608


REPORT_NUMBERS_OF_INCIDENT = """coalesce((SELECT array_to_json(array_agg(ri.report_id
        ORDER BY ri.report_id)) FROM incidents_report_incidents ri
        WHERE ri.incident_id = i.id), '[]'::json)"""

INCIDENT_COLUMNS: list[tuple[str, str]] = [
    ("id", "i.id"),
    ("title", "i.title"),
    ("description", "i.description"),
    ("date", "i.date"),
    ("date_precision", "i.date_precision"),
    ("deployers", slugs_in_role("deployer")),
    ("developers", slugs_in_role("developer")),
    ("harmed_parties", slugs_in_role("harmed")),
    ("implicated_systems", slugs_in_role("implicated_system")),
    ("reports", REPORT_NUMBERS_OF_INCIDENT),
    ("editors", "array_to_json(i.editors)"),
    ("source", "i.source"),
    ("source_license", "i.source_license"),
    ("source_attribution", "i.source_attribution"),
    ("created_at", "i.created_at"),
    ("modified_at", "i.modified_at"),
]
INCIDENT_FROM = "FROM incidents_incident i ORDER BY i.id"
INCIDENT_TEXT = frozenset({"title", "description", "source_attribution"})

# One pass over the link table (a hash aggregate) beats a lookup per report at a million rows.
REPORT_COLUMNS: list[tuple[str, str]] = [
    ("number", "r.number"),
    ("title", "r.title"),
    ("url", "r.url"),
    ("source_domain", "r.source_domain"),
    ("language", "r.language"),
    ("kind", "r.kind"),
    ("authors", "array_to_json(r.authors)"),
    ("submitters", "array_to_json(r.submitters)"),
    ("tags", "array_to_json(r.tags)"),
    ("date_published", "r.date_published"),
    ("date_downloaded", "r.date_downloaded"),
    ("date_submitted", "r.date_submitted"),
    ("date_modified", "r.date_modified"),
    ("incidents", "coalesce(links.incidents, '[]'::json)"),
    ("flagged", "r.flagged"),
    ("description", "r.description"),
    ("image_url", "r.image_url"),
    ("text", "r.text"),
    ("source", "r.source"),
    ("source_license", "r.source_license"),
    ("source_attribution", "r.source_attribution"),
    ("created_at", "r.created_at"),
    ("modified_at", "r.modified_at"),
]
REPORT_FROM = """FROM incidents_report r
LEFT JOIN (SELECT report_id, array_to_json(array_agg(incident_id ORDER BY incident_id))
           AS incidents FROM incidents_report_incidents GROUP BY report_id) links
       ON links.report_id = r.number
ORDER BY r.number"""
REPORT_TEXT = frozenset(
    {"title", "url", "description", "image_url", "text", "source_attribution", "source_domain"}
)

ENTITY_COLUMNS: list[tuple[str, str]] = [
    ("slug", "e.slug"),
    ("name", "e.name"),
    ("aliases", "array_to_json(e.aliases)"),
    ("description", "e.description"),
    ("source", "e.source"),
    ("source_license", "e.source_license"),
    ("source_attribution", "e.source_attribution"),
    ("created_at", "e.created_at"),
    ("modified_at", "e.modified_at"),
]
ENTITY_FROM = "FROM incidents_entity e ORDER BY e.slug"
ENTITY_TEXT = frozenset({"name", "description", "source_attribution"})


def csv_copy(columns: list[tuple[str, str]], from_clause: str, *, defuse: frozenset[str]) -> str:
    """COPY of the rows as CSV with a header, formula-like text cells defused."""
    return (
        f"COPY (SELECT {select_list(columns, defuse=defuse)}\n{from_clause}) "
        "TO STDOUT WITH (FORMAT csv, HEADER true)"
    )


def jsonl_copy(columns: list[tuple[str, str]], from_clause: str) -> str:
    """COPY of the rows as JSON Lines: one `row_to_json` object per line.

    CSV format with a quote and a delimiter that JSON text never contains raw (it escapes
    every control character) passes each object through untouched; the text format would
    double every backslash of the JSON.
    """
    return (
        f"COPY (SELECT row_to_json(t)::text FROM (SELECT "  # noqa: S608
        f"{select_list(columns, defuse=frozenset(), for_csv=False)}\n{from_clause}) t) "
        "TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    )
