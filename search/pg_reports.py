""" "Every report" for a common word, by way of the incidents.

A common word matches half the reports, and visiting half the report table (the fat rows that
hold the texts) is slower than the search may be. So when more than REPORT_DIRECT_LIMIT reports
match, the statement collapses to incidents before ranking (PostgreSQL's incident documents
are lean and hold every report's words): it ranks the matching incidents as pg_sql does, takes
the matching reports of the best INCIDENT_POOL of them, plus the matching issues (reports of no
incident, found through their `incident:none` filter term), and ranks those reports by their
own documents. The total and the facet counts come from the one-in-thirty-two sample index
(migration 0005) and are flagged as estimates; the pages reach the pool.
"""

from __future__ import annotations

# ruff: noqa: S608 -- statements are assembled from constants; user values are bound parameters.
from search.engine import SearchQuery
from search.facets import facet_terms
from search.pg_sql import (
    FRAGMENT_DELIMITER,
    HEADLINE_OPTIONS,
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    INCIDENTS,
    RANK_WEIGHTS,
    REPORTS,
    SNIPPET_SOURCE_CHARS,
    Statement,
    TextQuery,
    document_score,
    hit_columns,
    where_clauses,
)

REPORT_DIRECT_LIMIT = 3_000
INCIDENT_WINDOW = 50
INCIDENT_POOL = 20
SAMPLE_MODULUS = 32  # incidents migration 0005: WHERE number % 32 = 0

COUNT_SQL = "SELECT count(*) FROM (SELECT 1 FROM incidents_report d WHERE {where} LIMIT %(cap)s) c"


def capped_report_count(query: SearchQuery, text: TextQuery) -> Statement:
    where, params = where_clauses(query, REPORTS, text)
    params["cap"] = REPORT_DIRECT_LIMIT + 1
    return Statement(COUNT_SQL.format(where=" AND ".join(where)), params)


def _prefixed(params: dict[str, object], prefix: str) -> dict[str, object]:
    return {f"{prefix}{name}": value for name, value in params.items()}


def _renamed(clauses: list[str], params: dict[str, object], prefix: str) -> list[str]:
    renamed = []
    for clause in clauses:
        for name in params:
            clause = clause.replace(f"%({name})s", f"%({prefix}{name})s")
        renamed.append(clause)
    return renamed


def collapsed_report_statement(query: SearchQuery, text: TextQuery) -> Statement:
    """The page of reports, estimated counts and sampled facets, in one statement."""
    incident_where, incident_params = where_clauses(query, INCIDENTS, text)
    incident_where = _renamed(incident_where, incident_params, "i_")
    report_where, report_params = where_clauses(query, REPORTS, text)
    # Inside the pool the rows are few and fetched by key: every condition may just filter.
    pool_filters = [f"({clause}) IS TRUE" for clause in report_where]
    params: dict[str, object] = {
        **report_params,
        **_prefixed(incident_params, "i_"),
        "exact": text.exact,
        "loose": text.loose,
        "highlight": text.highlight,
        "limit": query.page_size,
        "offset": query.offset,
        "incident_window": INCIDENT_WINDOW,
        "incident_pool": INCIDENT_POOL,
        "snippet_chars": SNIPPET_SOURCE_CHARS,
        "sentinels": HIGHLIGHT_START + HIGHLIGHT_STOP + FRAGMENT_DELIMITER,
        "headline_options": HEADLINE_OPTIONS,
        "selected_terms": [t for terms in facet_terms(query.facets).values() for t in terms],
        "orphan": ["incident:none"],
    }
    check = "AND d.search_vector @@ %(exact)s::tsquery" if text.has_phrase else ""
    facets_sql = "NULL::json"
    sample_facets = ", d.search_facets AS facets" if query.with_facets else ""
    ctes = [
        f"""inc AS MATERIALIZED (
            SELECT d.id, ts_rank('{RANK_WEIGHTS}', d.search_title, %(loose)s::tsquery) AS s1
            FROM incidents_incident d WHERE {" AND ".join(incident_where)})""",
        """inc_w AS MATERIALIZED (
            SELECT id FROM inc ORDER BY s1 DESC, id DESC LIMIT %(incident_window)s)""",
        f"""inc_best AS MATERIALIZED (
            SELECT w.id FROM inc_w w JOIN incidents_incident d ON d.id = w.id
            ORDER BY {document_score("d")} DESC, w.id DESC LIMIT %(incident_pool)s)""",
        # Each pooled report's document is read once: checked and scored together.
        f"""v AS MATERIALIZED (
            SELECT p.id, {document_score("d")} AS s FROM (
                SELECT ri.report_id AS id FROM inc_best b
                JOIN incidents_report_incidents ri ON ri.incident_id = b.id
                UNION
                SELECT d.number FROM incidents_report d
                WHERE d.search_filters @> %(orphan)s::text[]
            ) p JOIN incidents_report d ON d.number = p.id
            WHERE {" AND ".join(pool_filters)} {check})""",
        """page AS MATERIALIZED (
            SELECT v.id, v.s, row_number() OVER (ORDER BY v.s DESC, v.id DESC) AS rn FROM v
            ORDER BY v.s DESC, v.id DESC LIMIT %(limit)s OFFSET %(offset)s)""",
        # Quoted phrases are checked on the sample too (documents read: 1 in 32 matches).
        f"""sample AS MATERIALIZED (
            SELECT d.number AS id{sample_facets} FROM incidents_report d
            WHERE {" AND ".join(report_where)} AND d.number %% {SAMPLE_MODULUS} = 0
            {check})""",
    ]
    if query.with_facets:
        ctes.append(
            """fc AS (
                SELECT split_part(f, ':', 1) AS facet, substr(f, strpos(f, ':') + 1) AS value,
                       count(*) AS n, bool_or(f = ANY(%(selected_terms)s::text[])) AS selected
                FROM sample CROSS JOIN unnest(sample.facets) f GROUP BY f)"""
        )
        facets_sql = """(SELECT json_agg(json_build_array(facet, value, n, selected)) FROM (
                SELECT fc.*, row_number() OVER (
                    PARTITION BY facet ORDER BY n DESC, value) AS rn FROM fc) ranked
                WHERE rn <= 10 OR selected)"""
    hits_sql = f"""(SELECT json_agg(json_build_object(
                'score', page.s, {hit_columns(REPORTS)}) ORDER BY page.rn)
            FROM page JOIN incidents_report h ON h.number = page.id)"""
    sql = f"""WITH {", ".join(ctes)}
        SELECT (SELECT count(*) FROM sample) * {SAMPLE_MODULUS} AS matched,
               NULL::bigint AS windowed, (SELECT count(*) FROM v) AS verified,
               (SELECT count(*) FROM sample) AS sampled,
               {hits_sql} AS hits, {facets_sql} AS facets"""
    return Statement(sql, params)
