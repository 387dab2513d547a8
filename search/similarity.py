"""Similar incidents computed from the text: the cosine of the incidents' weighted words.

Each incident's title words weigh 1.0 and its description words 0.4 (its A and B lexemes), and
two incidents are as similar as the cosine of those weighted word vectors. The cosine is
computed for a few dozen candidates, not every incident: those whose stored title vectors hold
one of the title's rarest words (rarity from the "did you mean" vocabulary's document counts),
best title rank first. Used on each incident page (next to
the editors' curated list) and to warn of duplicates when a new incident is proposed.
"""

from __future__ import annotations

# ruff: noqa: S608 -- statements are assembled from constants; user values are bound parameters.
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from registry.text_similarity import SimilarText

CANDIDATES_PER_SOURCE = 40
RARE_TITLE_WORDS = 4
MINIMUM_SCORE = 0.12
CACHE_SECONDS = 300

# `me` is a row (id, title, head) describing the incident or text to compare.
SIMILAR_SQL = """
WITH me AS ({me}),
words AS (
    SELECT u.lexeme, max(CASE WHEN 'A' = ANY(u.weights) THEN 1.0 ELSE 0.4 END) AS w
    FROM me CROSS JOIN unnest(me.head) u GROUP BY u.lexeme
),
-- The title's rarest words (document counts from the "did you mean" vocabulary, an IDF of
-- sorts): incidents sharing them are the candidates, best title rank first.
title_query AS (
    SELECT to_tsquery('registry_english', string_agg(v.word, ' | ')) AS q FROM (
        SELECT v.word FROM me
        CROSS JOIN regexp_split_to_table(lower(registry_unaccent(me.title)), '[^[:alpha:]]+') w
        JOIN search_vocabulary v ON v.word = w
        WHERE length(w) >= 3
        ORDER BY v.documents, v.word LIMIT {rare_words}
    ) v
),
candidates AS (
    -- The tiny stored title vectors: cheap to test on every incident, index or not.
    SELECT i.id FROM incidents_incident i, me, title_query t
    WHERE t.q IS NOT NULL AND i.search_title @@ t.q AND i.id IS DISTINCT FROM me.id
    ORDER BY ts_rank(i.search_title, t.q) DESC, i.id DESC
    LIMIT {per_source}
),
candidate_words AS (
    SELECT c.id, u.lexeme, max(CASE WHEN 'A' = ANY(u.weights) THEN 1.0 ELSE 0.4 END) AS w
    FROM candidates c JOIN incidents_incident i ON i.id = c.id
    CROSS JOIN unnest(ts_filter(i.search_vector, '{{a,b}}')) u
    GROUP BY c.id, u.lexeme
)
SELECT s.id, i.title, s.score FROM (
    SELECT cw.id, sum(cw.w * coalesce(mw.w, 0))
           / nullif(sqrt(sum(cw.w * cw.w)) * (SELECT sqrt(sum(w * w)) FROM words), 0) AS score
    FROM candidate_words cw LEFT JOIN words mw ON mw.lexeme = cw.lexeme
    -- Not the incidents editors already linked to it, either way, as similar or not.
    WHERE NOT EXISTS (
        SELECT 1 FROM incidents_incidentlink l, me
        WHERE (l.incident_id = me.id AND l.other_id = cw.id)
           OR (l.other_id = me.id AND l.incident_id = cw.id))
    GROUP BY cw.id
    HAVING sum(cw.w * coalesce(mw.w, 0)) > 0
) s JOIN incidents_incident i ON i.id = s.id
WHERE s.score >= %(minimum)s
ORDER BY s.score DESC, s.id DESC
LIMIT %(limit)s
"""

ME_INCIDENT = """SELECT i.id, i.title, ts_filter(i.search_vector, '{a,b}') AS head
    FROM incidents_incident i WHERE i.id = %(id)s"""
ME_TEXT = """SELECT NULL::int AS id, %(title)s::text AS title,
    setweight(to_tsvector('registry_english', %(title)s), 'A')
    || setweight(to_tsvector('registry_english', left(%(text)s, 5000)), 'B') AS head"""


@dataclass(frozen=True)
class SimilarIncident:
    id: int
    title: str
    score: float

    def get_absolute_url(self) -> str:
        return f"/incidents/{self.id}/"


def _run(me_sql: str, params: dict[str, object], *, limit: int) -> list[SimilarIncident]:
    """One statement (the incident page counts its queries)."""
    sql = SIMILAR_SQL.format(
        me=me_sql, per_source=CANDIDATES_PER_SOURCE, rare_words=RARE_TITLE_WORDS
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "limit": limit, "minimum": MINIMUM_SCORE})
        return [SimilarIncident(row[0], row[1], round(float(row[2]), 3)) for row in cursor]


def similar_incidents(incident_id: int, limit: int = 5) -> list[SimilarIncident]:
    """Incidents whose title and description read like this one's, best first; not the
    ones editors already linked to it (as similar or as not similar). Cached for a while:
    an incident page is read far more often than incidents change."""
    key = f"search:similar:{incident_id}:{limit}"
    found = cache.get(key)
    if found is None:
        found = _run(ME_INCIDENT, {"id": incident_id}, limit=limit)
        cache.set(key, found, CACHE_SECONDS)
    return found


def similar_incidents_for_text(
    *, title: str, text: str = "", limit: int = 5
) -> list[SimilarIncident]:
    """Incidents like a proposed one (a submission's title and description): duplicates to
    check before creating it."""
    from search.query import clean_text

    title, text = clean_text(title)[:500], clean_text(text)[:5000]
    if not title and not text:
        return []
    return _run(ME_TEXT, {"title": title, "text": text}, limit=limit)


def similar_texts(*, title: str, text: str = "", limit: int = 5) -> list[SimilarText]:
    """`similar_incidents_for_text` as the core's hook wants it (registered in apps.py)."""
    return [
        SimilarText(incident_id=item.id, title=item.title, score=item.score)
        for item in similar_incidents_for_text(title=title, text=text, limit=limit)
    ]
