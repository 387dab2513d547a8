"""Keeping the search index current: the one call every write path makes after it commits.

`schedule_reindex` is called by services inside their transaction; the work runs on commit.
PostgreSQL's stored tsvectors are refreshed here; the search package extends this for
Elasticsearch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

REPORT_VECTOR_SQL = """
UPDATE incidents_report SET search_vector =
    setweight(to_tsvector('english', unaccent(coalesce(title, ''))), 'A')
 || setweight(to_tsvector('english', unaccent(coalesce(description, ''))), 'B')
 || setweight(to_tsvector('english', unaccent(left(coalesce(text, ''), 200000))), 'C')
WHERE number = ANY(%s)
"""

INCIDENT_VECTOR_SQL = """
UPDATE incidents_incident i SET search_vector =
    setweight(to_tsvector('english', unaccent(coalesce(i.title, ''))), 'A')
 || setweight(to_tsvector('english', unaccent(coalesce(i.description, ''))), 'B')
 || setweight(to_tsvector('english', unaccent(coalesce((
        SELECT string_agg(r.title, ' ') FROM incidents_report r
        JOIN incidents_report_incidents ri ON ri.report_id = r.number
        WHERE ri.incident_id = i.id), ''))), 'C')
WHERE i.id = ANY(%s)
"""


def refresh_search_vectors(
    *, incident_ids: Iterable[int] = (), report_numbers: Iterable[int] = ()
) -> None:
    """Recompute stored tsvectors now (bulk-friendly: one statement per kind)."""
    reports = sorted(set(report_numbers))
    incidents = sorted(set(incident_ids))
    with connection.cursor() as cursor:
        if reports:
            cursor.execute(REPORT_VECTOR_SQL, [reports])
        if incidents:
            cursor.execute(INCIDENT_VECTOR_SQL, [incidents])


def schedule_reindex(
    *, incident_ids: Iterable[int] = (), report_numbers: Iterable[int] = ()
) -> None:
    """Refresh the search index for these records once the current transaction commits."""
    incidents = list(incident_ids)
    reports = list(report_numbers)
    transaction.on_commit(
        lambda: refresh_search_vectors(incident_ids=incidents, report_numbers=reports)
    )
