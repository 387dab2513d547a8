"""The AIID-compatible part of a snapshot: `mongodump_full_snapshot/` as the AIID's weekly
backups lay it out, so tools written for those snapshots (and `import_aiid`) read ours.

- incidents.csv: `_id` as `ObjectId(hex)` (derived from the id: we have no MongoDB ids),
  report numbers and entity slugs as JSON arrays, the date as precise as it is known
  (`2018`, `2018-03`, `2018-03-18`), plus an `implicated_systems` column at the end (an AIID
  incident field that today's CSV leaves out; readers by column name ignore it).
- reports.csv: every field quoted, `\\` as the escape character, lists joined with ", ",
  dates as ISO strings; `ref_number`, `epoch_date_downloaded`, `epoch_date_modified` empty as
  in the AIID's. Responses and variants carry the tags that mark them in the AIID.
- classifications_<Namespace>.csv (see `datasets.classifications`), duplicates.csv,
  submissions.csv and quickadd.csv (the pending public queue without e-mail addresses, only
  where DATASETS_PUBLISH_PENDING_SUBMISSIONS is set; otherwise their header alone),
  license.txt.
"""

from __future__ import annotations

from datasets.sql import slugs_in_role
from registry.spreadsheet import defused_sql


def q(expression: str) -> str:
    """Defused so that `import_aiid` takes the apostrophe off again (`undefuse_text`) and
    the round trip stays exact."""
    return defused_sql(expression, reversible=True)


AIID_FOLDER = "mongodump_full_snapshot"

OBJECT_ID = "'ObjectId(' || lpad(to_hex({key}), 24, '0') || ')'"


INCIDENTS_CSV = f"""COPY (
SELECT {OBJECT_ID.format(key="i.id")} AS "_id",
       i.id AS "incident_id",
       CASE i.date_precision
            WHEN 'year' THEN to_char(i.date, 'YYYY')
            WHEN 'month' THEN to_char(i.date, 'YYYY-MM')
            ELSE to_char(i.date, 'YYYY-MM-DD') END AS "date",
       coalesce((SELECT array_to_json(array_agg(ri.report_id ORDER BY ri.report_id))
                 FROM incidents_report_incidents ri WHERE ri.incident_id = i.id),
                '[]'::json) AS "reports",
       {slugs_in_role("deployer")} AS "Alleged deployer of AI system",
       {slugs_in_role("developer")} AS "Alleged developer of AI system",
       {slugs_in_role("harmed")} AS "Alleged harmed or nearly harmed parties",
       {q("i.description")} AS "description",
       {q("i.title")} AS "title",
       {slugs_in_role("implicated_system")} AS "implicated_systems"
FROM incidents_incident i ORDER BY i.id
) TO STDOUT WITH (FORMAT csv, HEADER true)"""  # noqa: S608


def _iso(column: str) -> str:
    return f"coalesce(to_char({column}, 'YYYY-MM-DD'), '')"


def _epoch(column: str) -> str:
    return f"coalesce(extract(epoch FROM {column}::timestamp)::bigint::text, '')"


# The AIID marks responses and variants by tag; add the tag where our kind says so and the
# tags do not, so that a reader of the AIID format sees the same kind.
_AIID_TAGS = """CASE
    WHEN r.kind = 'response' AND NOT ('response' = ANY(r.tags))
        THEN r.tags || 'response'::varchar
    WHEN r.kind = 'variant' AND NOT EXISTS (
        SELECT 1 FROM unnest(r.tags) tag WHERE tag LIKE 'variant:%')
        THEN r.tags || 'variant:unreviewed'::varchar
    ELSE r.tags END"""

# Every column is text (NULLs as ""), so FORCE_QUOTE quotes every cell.
REPORTS_CSV = f"""COPY (
SELECT {OBJECT_ID.format(key="r.number")} AS "_id",
       {q("array_to_string(r.authors, ', ')")} AS "authors",
       {_iso("r.date_downloaded")} AS "date_downloaded",
       {_iso("r.date_modified")} AS "date_modified",
       {_iso("r.date_published")} AS "date_published",
       {_iso("r.date_submitted")} AS "date_submitted",
       {q("r.description")} AS "description",
       '' AS "epoch_date_downloaded",
       '' AS "epoch_date_modified",
       {_epoch("r.date_published")} AS "epoch_date_published",
       {_epoch("r.date_submitted")} AS "epoch_date_submitted",
       r.image_url AS "image_url",
       r.language AS "language",
       '' AS "ref_number",
       r.number::text AS "report_number",
       r.source_domain AS "source_domain",
       {q("array_to_string(r.submitters, ', ')")} AS "submitters",
       {q("r.text")} AS "text",
       {q("r.title")} AS "title",
       r.url AS "url",
       {q(f"array_to_string({_AIID_TAGS}, ', ')")} AS "tags"
FROM incidents_report r ORDER BY r.number
) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *, ESCAPE '\\')"""  # noqa: S608

DUPLICATES_CSV = """COPY (
SELECT old_id AS "duplicate_incident_number", target_id AS "true_incident_number"
FROM incidents_incidentredirect ORDER BY old_id
) TO STDOUT WITH (FORMAT csv, HEADER true)"""

PENDING = "s.state IN ('new', 'in_review')"
# Pending submissions are unreviewed text from anyone: a public snapshot withholds them (the
# files keep their header, so AIID tools still find them) unless the operator publishes them.
WITHHELD = "FALSE"

# `incident_id`: one id as a number, several as a JSON array (the importer reads both).
_SUBMISSION_INCIDENTS = """CASE cardinality(s.incident_ids)
    WHEN 0 THEN '' WHEN 1 THEN s.incident_ids[1]::text
    ELSE array_to_json(s.incident_ids)::text END"""

SUBMISSIONS_CSV = f"""COPY (
SELECT array_to_json(s.authors) AS "authors",
       {_iso("s.date_downloaded")} AS "date_downloaded",
       to_char(s.modified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "date_modified",
       {_iso("s.date_published")} AS "date_published",
       to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "date_submitted",
       s.image_url AS "image_url",
       {_iso("s.incident_date")} AS "incident_date",
       {_SUBMISSION_INCIDENTS} AS "incident_id",
       s.language AS "language",
       '' AS "mongodb_id",
       s.source_domain AS "source_domain",
       CASE WHEN s.submitter_name = '' THEN '[]'::json
            ELSE json_build_array(s.submitter_name) END AS "submitters",
       {q("s.text")} AS "text",
       {q("s.title")} AS "title",
       s.url AS "url"
FROM incidents_submission s WHERE {{pending}} ORDER BY s.created_at, s.id
) TO STDOUT WITH (FORMAT csv, HEADER true)"""  # noqa: S608

QUICKADD_CSV = f"""COPY (
SELECT {_SUBMISSION_INCIDENTS} AS "incident_id",
       s.url AS "url",
       to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "date_submitted",
       s.source_domain AS "source_domain"
FROM incidents_submission s WHERE {{pending}} AND s.quick_add ORDER BY s.created_at, s.id
) TO STDOUT WITH (FORMAT csv, HEADER true)"""  # noqa: S608

LICENSE_TEXT = (
    "Report contents are subject to their own intellectual property rights. Unless otherwise "
    "noted, the database is shared under (CC BY-SA 4.0). See: "
    "https://creativecommons.org/licenses/by-sa/4.0/\n"
)


def aiid_copies(*, publish_pending: bool) -> list[tuple[str, str, str]]:
    """(file name, COPY statement, description) in the order they are written."""
    pending = PENDING if publish_pending else WITHHELD
    queue = "Pending public submissions" if publish_pending else "Withheld: no pending submissions"
    submissions = SUBMISSIONS_CSV.replace("{pending}", pending)
    quick_adds = QUICKADD_CSV.replace("{pending}", pending)
    return [
        ("incidents.csv", INCIDENTS_CSV, "AIID-format incidents"),
        ("reports.csv", REPORTS_CSV, "AIID-format reports (all fields quoted, \\ escapes)"),
        ("duplicates.csv", DUPLICATES_CSV, "Merged duplicate incidents: old id, true id"),
        ("submissions.csv", submissions, f"{queue} (AIID format)"),
        ("quickadd.csv", quick_adds, f"{queue}, quick add (AIID format)"),
    ]
