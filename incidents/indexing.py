"""Keeping the search index current: the one call every write path makes after it commits.

`schedule_reindex` is called by services inside their transaction; the work runs on commit.
PostgreSQL's stored search documents (the columns of migration 0004_search_documents) are
refreshed here; then `registry.signals.documents_changed` announces the ids, and the search app
(with the Elasticsearch engine on) sends them to a Celery task that indexes or deletes them in
the cluster. PostgreSQL stays the source of truth:
`manage.py search_index --rebuild` recomputes everything from the rows.

A report's document: its title (weight A), description (B) and text (D). An incident's
document: its title (A), description (B), its reports' titles (C) and texts (D). The title
alone is also stored (`search_title`): the search ranks every match by it first, because
ranking the whole document of every match of a common word is too slow (search/pg.py).
"""

# ruff: noqa: S608 -- statements are assembled from constants; user values are bound parameters.

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from incidents.visibility import public_classification_sql, public_field_sql
from registry.signals import documents_changed

# Text beyond this many characters of one report is not indexed (to_tsvector and the 1 MB
# tsvector limit both set a ceiling; news articles are far shorter).
REPORT_TEXT_MAX_CHARS = 100_000
# An incident's document takes the text of at most this many reports (all their titles count).
INCIDENT_BODY_MAX_REPORTS = 40

# Facet terms are "<facet>:<value>"; search/facets.py names and labels them. The
# listed ones go to `search_facets` (counted in the sidebar), the filter-only ones to
# `search_filters`. "year" is the incident's year (a report's earliest incident's; an issue,
# which has no incident, its publication year), so the year facet agrees with the date filter.
REPORT_INCIDENT_DATE_SQL = """(
    SELECT min(i.date) FROM incidents_incident i
    JOIN incidents_report_incidents ri ON ri.incident_id = i.id WHERE ri.report_id = r.number)"""

# A taxonomy term `f` is indexed only from a public classification (`c` of taxonomy `t`) and
# only if no non-public field of the taxonomy names it (facets may predate a field's hiding).
PUBLIC_CLASSIFICATION = public_classification_sql("c", taxonomy_alias="t")
ONLY_PUBLIC_FIELDS = f"""NOT EXISTS (
                SELECT 1 FROM incidents_taxonomyfield tf
                WHERE tf.taxonomy_id = t.id AND NOT {public_field_sql("tf")}
                  AND starts_with(f, t.namespace || ':' || tf.short_name || ':'))"""

REPORT_FIELDS_SQL = f"""
    search_incident_date = {REPORT_INCIDENT_DATE_SQL},
    search_facets = ARRAY(SELECT DISTINCT term FROM (
        SELECT 'domain:' || r.source_domain AS term WHERE r.source_domain <> ''
        UNION ALL SELECT 'language:' || lower(r.language) WHERE r.language <> ''
        UNION ALL SELECT 'kind:' || r.kind
        UNION ALL SELECT 'year:' || extract(year FROM
                coalesce({REPORT_INCIDENT_DATE_SQL}, r.date_published))::int
            WHERE coalesce({REPORT_INCIDENT_DATE_SQL}, r.date_published) IS NOT NULL
        UNION ALL SELECT CASE WHEN r.flagged THEN 'flagged:yes' ELSE 'flagged:no' END
        UNION ALL SELECT ie.role || ':' || e.slug
            FROM incidents_report_incidents ri
            JOIN incidents_incidententity ie ON ie.incident_id = ri.incident_id
            JOIN incidents_entity e ON e.id = ie.entity_id
            WHERE ri.report_id = r.number
        UNION ALL SELECT 'taxonomy:' || f
            FROM (
                SELECT c.taxonomy_id, c.facets, c.publish FROM incidents_classification c
                WHERE c.report_id = r.number
                UNION ALL
                SELECT c.taxonomy_id, c.facets, c.publish FROM incidents_report_incidents ri
                JOIN incidents_classification c ON c.incident_id = ri.incident_id
                WHERE ri.report_id = r.number
            ) c
            JOIN incidents_taxonomy t ON t.id = c.taxonomy_id
            CROSS JOIN unnest(c.facets) f
            WHERE {PUBLIC_CLASSIFICATION} AND {ONLY_PUBLIC_FIELDS}
    ) terms ORDER BY term),
    search_filters = ARRAY(SELECT DISTINCT term FROM (
        SELECT 'author:' || lower(btrim(a)) AS term FROM unnest(r.authors) a WHERE btrim(a) <> ''
        UNION ALL SELECT 'incident:' || ri.incident_id
            FROM incidents_report_incidents ri WHERE ri.report_id = r.number
        UNION ALL SELECT 'incident:none' WHERE NOT EXISTS (
            SELECT 1 FROM incidents_report_incidents ri WHERE ri.report_id = r.number)
    ) terms ORDER BY term)
"""

REPORT_DOCUMENT_SQL = f"""
WITH doc AS MATERIALIZED (
    SELECT r.number,
        setweight(to_tsvector('registry_english', coalesce(r.title, '')), 'A')
        || setweight(to_tsvector('registry_english', coalesce(r.description, '')), 'B')
        || setweight(to_tsvector('registry_english',
                                 left(coalesce(r.text, ''), {REPORT_TEXT_MAX_CHARS})), 'D')
        AS vector
    FROM incidents_report r WHERE r.number = ANY(%(numbers)s)
)
UPDATE incidents_report r SET
    search_vector = doc.vector,
    search_title = ts_filter(doc.vector, '{{a}}'),
    search_length = length(doc.vector),
    {REPORT_FIELDS_SQL}
FROM doc WHERE r.number = doc.number
"""

REPORT_FIELDS_ONLY_SQL = f"""
UPDATE incidents_report r SET {REPORT_FIELDS_SQL}
WHERE r.number IN (
    SELECT ri.report_id FROM incidents_report_incidents ri WHERE ri.incident_id = ANY(%(ids)s))
  -- Reports whose whole document was just refreshed already have these fields.
  AND NOT r.number = ANY(%(done)s)
"""

# Report vectors are reused (ts_filter picks their title or body lexemes), so reports are
# refreshed before their incidents and nothing is parsed twice.
INCIDENT_DOCUMENT_SQL = f"""
WITH own AS (
    SELECT i.id,
        setweight(to_tsvector('registry_english', coalesce(i.title, '')), 'A') AS title,
        setweight(to_tsvector('registry_english', coalesce(i.description, '')), 'B') AS description
    FROM incidents_incident i WHERE i.id = ANY(%(ids)s)
), doc AS MATERIALIZED (
    SELECT own.id, own.title,
        own.title || own.description || coalesce((
            SELECT setweight(registry_tsvector_agg(ts_filter(r.search_vector, '{{a}}')), 'C')
            FROM incidents_report r JOIN incidents_report_incidents ri ON ri.report_id = r.number
            WHERE ri.incident_id = own.id AND r.search_vector IS NOT NULL
        ), ''::tsvector) || coalesce((
            SELECT setweight(registry_tsvector_agg(b.body), 'D') FROM (
                SELECT ts_filter(r.search_vector, '{{b,d}}') AS body
                FROM incidents_report r
                JOIN incidents_report_incidents ri ON ri.report_id = r.number
                WHERE ri.incident_id = own.id AND r.search_vector IS NOT NULL
                ORDER BY r.number LIMIT {INCIDENT_BODY_MAX_REPORTS}
            ) b
        ), ''::tsvector) AS vector
    FROM own
)
UPDATE incidents_incident i SET
    search_title = doc.title,
    search_vector = doc.vector,
    search_length = length(doc.vector),
    search_published = (
        SELECT max(r.date_published) FROM incidents_report r
        JOIN incidents_report_incidents ri ON ri.report_id = r.number WHERE ri.incident_id = i.id),
    search_submitted = (
        SELECT max(r.date_submitted) FROM incidents_report r
        JOIN incidents_report_incidents ri ON ri.report_id = r.number WHERE ri.incident_id = i.id),
    search_facets = ARRAY(SELECT DISTINCT term FROM (
        SELECT 'year:' || extract(year FROM i.date)::int AS term WHERE i.date IS NOT NULL
        UNION ALL SELECT ie.role || ':' || e.slug
            FROM incidents_incidententity ie JOIN incidents_entity e ON e.id = ie.entity_id
            WHERE ie.incident_id = i.id
        UNION ALL SELECT 'taxonomy:' || f
            FROM incidents_classification c
            JOIN incidents_taxonomy t ON t.id = c.taxonomy_id
            CROSS JOIN unnest(c.facets) f
            WHERE c.incident_id = i.id AND {PUBLIC_CLASSIFICATION} AND {ONLY_PUBLIC_FIELDS}
        UNION ALL SELECT f FROM incidents_report r
            JOIN incidents_report_incidents ri ON ri.report_id = r.number
            CROSS JOIN unnest(r.search_facets) f
            WHERE ri.incident_id = i.id
              AND split_part(f, ':', 1) IN ('domain', 'language', 'kind', 'taxonomy')
        UNION ALL SELECT CASE WHEN EXISTS (
                SELECT 1 FROM incidents_report r
                JOIN incidents_report_incidents ri ON ri.report_id = r.number
                WHERE ri.incident_id = i.id AND r.flagged)
            THEN 'flagged:yes' ELSE 'flagged:no' END
    ) terms ORDER BY term),
    search_filters = ARRAY(SELECT DISTINCT f FROM incidents_report r
        JOIN incidents_report_incidents ri ON ri.report_id = r.number
        CROSS JOIN unnest(r.search_filters) f
        WHERE ri.incident_id = i.id AND starts_with(f, 'author:') ORDER BY f)
FROM doc WHERE i.id = doc.id
"""

VOCABULARY_WORDS_SQL = """
SELECT DISTINCT w FROM (
    SELECT i.title || ' ' || i.description AS t FROM incidents_incident i WHERE i.id = ANY(%(ids)s)
    UNION ALL
    SELECT r.title FROM incidents_report r WHERE r.number = ANY(%(numbers)s)
) src CROSS JOIN regexp_split_to_table(lower(registry_unaccent(src.t)), '[^[:alpha:]]+') w
WHERE length(w) BETWEEN 3 AND 40
"""

VOCABULARY_ADD_SQL = f"""
INSERT INTO search_vocabulary (word, documents)
SELECT w, 1 FROM ({VOCABULARY_WORDS_SQL}) words(w)
ON CONFLICT (word) DO NOTHING
"""

VOCABULARY_REBUILD_SQL = """
TRUNCATE search_vocabulary;
INSERT INTO search_vocabulary (word, documents)
SELECT w, count(DISTINCT src.key) FROM (
    SELECT 'i' || i.id AS key, i.title || ' ' || i.description AS t FROM incidents_incident i
    UNION ALL
    SELECT 'r' || r.number, r.title FROM incidents_report r
) src CROSS JOIN regexp_split_to_table(lower(registry_unaccent(src.t)), '[^[:alpha:]]+') w
WHERE length(w) BETWEEN 3 AND 40
GROUP BY w;
"""

INCIDENTS_OF_REPORTS_SQL = """
SELECT DISTINCT incident_id FROM incidents_report_incidents WHERE report_id = ANY(%(numbers)s)
"""


def refresh_report_documents(report_numbers: Sequence[int]) -> None:
    """Recompute these reports' vectors, lengths and facets (one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(REPORT_DOCUMENT_SQL, {"numbers": list(report_numbers)})


def refresh_incident_documents(incident_ids: Sequence[int]) -> None:
    """Recompute these incidents' documents from their rows and their reports' stored vectors."""
    with connection.cursor() as cursor:
        cursor.execute(INCIDENT_DOCUMENT_SQL, {"ids": list(incident_ids)})


def refresh_search_vectors(
    *, incident_ids: Iterable[int] = (), report_numbers: Iterable[int] = ()
) -> None:
    """Recompute the stored search documents of these incidents and reports now.

    A report's change also changes its incidents' documents (titles, texts, facets), and an
    incident's change (entities, taxonomy) changes its reports' facets: both are followed.
    Ids of deleted rows are ignored (pass the incidents of a deleted report). Set-based: a few
    statements whatever the number of ids.
    """
    reports = sorted({int(n) for n in report_numbers})
    incidents = {int(i) for i in incident_ids}
    with connection.cursor() as cursor:
        if reports:
            cursor.execute(REPORT_DOCUMENT_SQL, {"numbers": reports})
            cursor.execute(INCIDENTS_OF_REPORTS_SQL, {"numbers": reports})
            incidents.update(row[0] for row in cursor.fetchall())
        ids = sorted(incidents)
        if ids:
            cursor.execute(REPORT_FIELDS_ONLY_SQL, {"ids": ids, "done": reports})
            cursor.execute(INCIDENT_DOCUMENT_SQL, {"ids": ids})
        if ids or reports:
            cursor.execute(VOCABULARY_ADD_SQL, {"ids": ids, "numbers": reports})


def rebuild_search_vocabulary() -> None:
    """Recount the "did you mean" vocabulary from every title and description."""
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_REBUILD_SQL)


def _after_commit(incidents: Sequence[int], reports: Sequence[int]) -> None:
    refresh_search_vectors(incident_ids=incidents, report_numbers=reports)
    # Other engines (the search app's Elasticsearch sync) listen; the catalog does not know them.
    documents_changed.send(sender=_after_commit, incident_ids=incidents, report_numbers=reports)


def schedule_reindex(
    *, incident_ids: Iterable[int] = (), report_numbers: Iterable[int] = ()
) -> None:
    """Refresh the search index for these records once the current transaction commits.

    Side effects (on commit): the PostgreSQL search documents are recomputed in-process, then
    `documents_changed` is sent (with the Elasticsearch engine on, the search app's receiver
    queues a Celery task that indexes the records or deletes the ones that no longer exist).
    """
    incidents = list(incident_ids)
    reports = list(report_numbers)
    transaction.on_commit(lambda: _after_commit(incidents, reports))
