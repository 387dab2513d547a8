"""Elasticsearch documents from PostgreSQL rows: bulk actions, the on-commit sync, rebuilds.

Documents are built from the rows and from the facet terms PostgreSQL already derived
(`search_facets`, `search_filters`), so both engines count the same facets.
"""

# ruff: noqa: S608 -- statements are assembled from constants; user values are bound parameters.

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection

from incidents.indexing import INCIDENT_BODY_MAX_REPORTS, REPORT_TEXT_MAX_CHARS
from search import es
from search.es import CatalogDocument, catalog_index, index_alias

BATCH = 500

INCIDENT_ROWS_SQL = f"""
SELECT i.id, i.title, i.description, i.date, i.search_published, i.search_submitted,
       i.search_facets, i.search_filters,
       ARRAY(SELECT r.title FROM incidents_report r
             JOIN incidents_report_incidents ri ON ri.report_id = r.number
             WHERE ri.incident_id = i.id ORDER BY r.number) AS report_titles,
       ARRAY(SELECT left(r.text, {REPORT_TEXT_MAX_CHARS}) FROM incidents_report r
             JOIN incidents_report_incidents ri ON ri.report_id = r.number
             WHERE ri.incident_id = i.id ORDER BY r.number
             LIMIT {INCIDENT_BODY_MAX_REPORTS}) AS report_texts,
       EXISTS (SELECT 1 FROM incidents_report r
               JOIN incidents_report_incidents ri ON ri.report_id = r.number
               WHERE ri.incident_id = i.id AND r.flagged) AS flagged
FROM incidents_incident i WHERE i.id = ANY(%(ids)s)
"""

REPORT_ROWS_SQL = f"""
SELECT r.number, r.title, r.description, left(r.text, {REPORT_TEXT_MAX_CHARS}) AS text,
       r.search_incident_date, r.date_published, r.date_submitted, r.flagged,
       r.search_facets, r.search_filters,
       ARRAY(SELECT ri.incident_id FROM incidents_report_incidents ri
             WHERE ri.report_id = r.number ORDER BY ri.incident_id) AS incident_ids
FROM incidents_report r WHERE r.number = ANY(%(numbers)s)
"""


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def incident_document(row: dict[str, Any]) -> CatalogDocument:
    return CatalogDocument(
        meta={"id": f"incident-{row['id']}"},
        doc_type="incident",
        record_id=row["id"],
        incident_id=row["id"],
        incident_ids=[row["id"]],
        incident_title=row["title"],
        incident_description=row["description"],
        report_title=list(row["report_titles"]),
        report_text=list(row["report_texts"]),
        facets=list(row["search_facets"]),
        filters=list(row["search_filters"]),
        incident_date=row["date"],
        published=row["search_published"],
        submitted=row["search_submitted"],
        flagged=row["flagged"],
    )


def report_document(row: dict[str, Any]) -> CatalogDocument:
    incidents = list(row["incident_ids"])
    return CatalogDocument(
        meta={"id": f"report-{row['number']}"},
        doc_type="report",
        record_id=row["number"],
        incident_id=incidents[0] if incidents else -row["number"],
        incident_ids=incidents,
        report_title=[row["title"]],
        report_text=[row["description"], row["text"]],
        facets=list(row["search_facets"]),
        filters=list(row["search_filters"]),
        incident_date=row["search_incident_date"] or row["date_published"],
        published=row["date_published"],
        submitted=row["date_submitted"],
        flagged=row["flagged"],
    )


def document_actions(
    *, incident_ids: Sequence[int], report_numbers: Sequence[int], index: str | None = None
) -> Iterator[dict[str, Any]]:
    """Bulk actions bringing these records up to date: an index action for each one that
    exists, a delete action for each one that does not any more."""
    name = index or index_alias()
    for start in range(0, len(incident_ids), BATCH):
        ids = list(incident_ids[start : start + BATCH])
        rows = {row["id"]: row for row in _rows(INCIDENT_ROWS_SQL, {"ids": ids})}
        for incident_id in ids:
            if incident_id in rows:
                yield _index_action(incident_document(rows[incident_id]), name)
            else:
                yield {"_op_type": "delete", "_index": name, "_id": f"incident-{incident_id}"}
    for start in range(0, len(report_numbers), BATCH):
        numbers = list(report_numbers[start : start + BATCH])
        rows = {row["number"]: row for row in _rows(REPORT_ROWS_SQL, {"numbers": numbers})}
        for number in numbers:
            if number in rows:
                yield _index_action(report_document(rows[number]), name)
            else:
                yield {"_op_type": "delete", "_index": name, "_id": f"report-{number}"}


def _index_action(document: CatalogDocument, index: str) -> dict[str, Any]:
    action = document.to_dict(include_meta=True)
    action["_index"] = index
    action["_op_type"] = "index"
    return action


def incidents_of_reports(report_numbers: Iterable[int]) -> list[int]:
    numbers = sorted(set(report_numbers))
    if not numbers:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT incident_id FROM incidents_report_incidents WHERE report_id = ANY(%s)",
            [numbers],
        )
        return [row[0] for row in cursor.fetchall()]


def search_sync_elasticsearch(
    *, incident_ids: Iterable[int], report_numbers: Iterable[int], client: Any = None
) -> tuple[int, int]:
    """Index (or delete) these records and the incidents whose text includes the reports.
    Returns (succeeded, failed) action counts; a missing document to delete is no failure."""
    from elasticsearch.helpers import bulk

    reports = sorted(set(report_numbers))
    incidents = sorted(set(incident_ids) | set(incidents_of_reports(reports)))
    actions = document_actions(incident_ids=incidents, report_numbers=reports)
    ok, errors = bulk(
        client or es.es_client(),
        actions,
        raise_on_error=False,
        ignore_status=(404,),
        stats_only=True,
    )
    return int(ok), int(errors)


def search_rebuild_elasticsearch(
    *,
    progress: Callable[[str, int, int], None] | None = None,
    client: Any = None,
    suffix: str,
) -> str:
    """Build a fresh index `<alias>-<suffix>` from PostgreSQL, then point the alias at it and
    drop the indexes it pointed at before: searches keep working during the rebuild."""
    from elasticsearch.helpers import streaming_bulk

    cluster = client or es.es_client()
    alias = index_alias()
    name = f"{alias}-{suffix}"
    catalog_index(name).create(using=cluster)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM incidents_incident ORDER BY id")
        incidents = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT number FROM incidents_report ORDER BY number")
        reports = [row[0] for row in cursor.fetchall()]
    total = len(incidents) + len(reports)
    actions = document_actions(incident_ids=incidents, report_numbers=reports, index=name)
    for done, (ok, item) in enumerate(streaming_bulk(cluster, actions, chunk_size=BATCH), start=1):
        if not ok:
            raise RuntimeError(f"indexing failed: {item}")
        if progress and (done % BATCH == 0 or done == total):
            progress("documents", done, total)
    cluster.indices.refresh(index=name)
    previous = list(cluster.indices.get_alias(name=alias, ignore_unavailable=True).body)
    swap = [{"add": {"index": name, "alias": alias}}]
    swap += [{"remove": {"index": old, "alias": alias}} for old in previous]
    cluster.indices.update_aliases(actions=swap)
    for old in previous:
        if old != name:
            cluster.indices.delete(index=old, ignore_unavailable=True)
    return name
