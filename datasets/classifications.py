"""Classification files of a snapshot, one per public taxonomy, in two shapes:

- ours: `classifications/<Namespace>.csv` and `.jsonl` (incident or report, then one column
  per public field; lists and objects as JSON in the CSV, formula-like cells defused);
- the AIID's: `mongodump_full_snapshot/classifications_<Namespace>.csv`
  (`Namespace,Incident ID,Published,<fields>`; lists joined with ", ", booleans True/False).

Only published classifications and public fields are exported. Rows come from a server-side
cursor, so memory stays flat however many there are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from datasets.files import HashingFile, TextSink
from incidents.visibility import public_classification_sql, public_field_sql, public_taxonomy_sql
from registry.spreadsheet import csv_writer

FETCH_ROWS = 2000
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
REPEATED_COLUMN = re.compile(r"^(?P<base>.+) \((?P<n>\d+)\)$")


@dataclass(frozen=True)
class PublicTaxonomy:
    id: int
    namespace: str
    fields: list[tuple[int, str]]  # (field id, short name) in display order

    @property
    def file_stem(self) -> str:
        """The namespace as a safe file name (namespaces are free text)."""
        stem = SAFE_NAME.sub("_", self.namespace).lstrip(".")
        return stem or f"taxonomy-{self.id}"


TAXONOMIES_SQL = f"""
SELECT t.id, t.namespace,
       coalesce((SELECT json_agg(json_build_array(f.id, f.short_name) ORDER BY f.weight, f.id)
                 FROM incidents_taxonomyfield f
                 WHERE f.taxonomy_id = t.id AND {public_field_sql("f")}), '[]'::json)::text
FROM incidents_taxonomy t WHERE {public_taxonomy_sql("t")} ORDER BY t.namespace
"""  # noqa: S608 -- the conditions are constants of incidents.visibility

# Values keyed by field id (short names may repeat in spirit, ids never do); only the
# taxonomy's public fields are written (`PublicTaxonomy.fields`).
CLASSIFICATIONS_SQL = f"""
SELECT c.incident_id, c.report_id,
       coalesce((SELECT json_object_agg(v.field_id, v.value)
                 FROM incidents_classificationvalue v
                 WHERE v.classification_id = c.id), '{{}}'::json)::text
FROM incidents_classification c JOIN incidents_taxonomy t ON t.id = c.taxonomy_id
WHERE c.taxonomy_id = %s AND {public_classification_sql("c", taxonomy_alias="t")}
  AND (%s OR c.incident_id IS NOT NULL)
ORDER BY c.incident_id NULLS LAST, c.report_id NULLS LAST
"""  # noqa: S608


def public_taxonomies(cursor: Any) -> list[PublicTaxonomy]:
    cursor.execute(TAXONOMIES_SQL)
    return [
        PublicTaxonomy(id=row[0], namespace=row[1], fields=[tuple(f) for f in json.loads(row[2])])
        for row in cursor.fetchall()
    ]


def _classification_rows(
    connection: Any, taxonomy: PublicTaxonomy, *, with_reports: bool
) -> Iterator[tuple[int | None, int | None, dict[str, Any]]]:
    with connection.cursor(name=f"classifications_{taxonomy.id}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(CLASSIFICATIONS_SQL, [taxonomy.id, with_reports])
        for incident_id, report_id, values in cursor:
            yield incident_id, report_id, json.loads(values)


def _json_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def aiid_cell(value: Any) -> str:
    """A value as the AIID's classification CSVs write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(aiid_cell(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def aiid_header_name(short_name: str, all_names: set[str]) -> str:
    """The importer names a repeated column `AI System (2)`; write it back as `AI System`."""
    match = REPEATED_COLUMN.match(short_name)
    if match and match.group("base") in all_names:
        return match.group("base")
    return short_name


def write_ours(
    connection: Any, taxonomy: PublicTaxonomy, csv_file: HashingFile, jsonl_file: HashingFile
) -> int:
    """Write one taxonomy's CSV and JSON Lines files; returns the number of rows."""
    names = [name for _, name in taxonomy.fields]
    writer = csv_writer(TextSink(csv_file), lineterminator="\n")
    writer.writerow(["incident_id", "report_number", *names])
    rows = 0
    for incident_id, report_id, values in _classification_rows(
        connection, taxonomy, with_reports=True
    ):
        by_name = {name: values.get(str(field_id)) for field_id, name in taxonomy.fields}
        writer.writerow(
            [incident_id or "", report_id or "", *(_json_cell(by_name[n]) for n in names)]
        )
        line = {"incident_id": incident_id, "report_number": report_id, "values": by_name}
        jsonl_file.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
        rows += 1
    return rows


def write_aiid(connection: Any, taxonomy: PublicTaxonomy, target: HashingFile) -> int:
    """Write `classifications_<Namespace>.csv` (incident classifications only, as the AIID's
    carry only an `Incident ID`); returns the number of rows."""
    all_names = {name for _, name in taxonomy.fields}
    # Defused reversibly: `import_aiid` takes the apostrophe off again (`undefuse_text`).
    writer = csv_writer(TextSink(target), lineterminator="\n", reversible=True)
    writer.writerow(
        [
            "Namespace",
            "Incident ID",
            "Published",
            *(aiid_header_name(name, all_names) for _, name in taxonomy.fields),
        ]
    )
    rows = 0
    for incident_id, _, values in _classification_rows(connection, taxonomy, with_reports=False):
        writer.writerow(
            [
                taxonomy.namespace,
                incident_id,
                "True",
                *(aiid_cell(values.get(str(field_id))) for field_id, _ in taxonomy.fields),
            ]
        )
        rows += 1
    return rows
