"""Rebuilding the PostgreSQL search documents of every incident and report, in batches."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from incidents.indexing import (
    rebuild_search_vocabulary,
    refresh_incident_documents,
    refresh_report_documents,
)

REPORT_BATCH = 2_000
INCIDENT_BATCH = 500

Progress = Callable[[str, int, int], None]


def _ids(sql: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def search_rebuild_postgres(*, progress: Progress | None = None) -> dict[str, int]:
    """Recompute every stored search document: reports first (incidents reuse their vectors),
    then incidents, then the "did you mean" vocabulary, then fresh planner statistics.

    Each batch commits on its own, so a long rebuild never holds locks on the whole catalog
    and an interrupted one can simply be run again. `progress(stage, done, total)` is called
    after every batch.
    """
    reports = _ids("SELECT number FROM incidents_report ORDER BY number")
    incidents = _ids("SELECT id FROM incidents_incident ORDER BY id")
    for start in range(0, len(reports), REPORT_BATCH):
        with transaction.atomic():
            refresh_report_documents(reports[start : start + REPORT_BATCH])
        if progress:
            progress("reports", min(start + REPORT_BATCH, len(reports)), len(reports))
    for start in range(0, len(incidents), INCIDENT_BATCH):
        with transaction.atomic():
            refresh_incident_documents(incidents[start : start + INCIDENT_BATCH])
        if progress:
            progress("incidents", min(start + INCIDENT_BATCH, len(incidents)), len(incidents))
    with transaction.atomic():
        rebuild_search_vocabulary()
    with connection.cursor() as cursor:
        for table in ("incidents_report", "incidents_incident", "search_vocabulary"):
            cursor.execute(f"ANALYZE {table}")
    return {"reports": len(reports), "incidents": len(incidents)}
