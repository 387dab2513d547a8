"""The SQL of the PostgreSQL engine: one statement per search page.

Why it is shaped like this (measured on 10,000 incidents / 100,000 reports, see
bench/search.py and ../shared/reference/performance-notes.md): PostgreSQL ranks every match
before it can keep the best twenty, and a whole incident document is tens of kilobytes, so
`ORDER BY ts_rank_cd(search_vector, q)` over the ten thousand matches of a common word takes
most of a second. The statement therefore

1. matches through the GIN index with a *loose* query (phrases relaxed to their words, which
   needs no positions, so the index answers without reading a single document) into `m`,
   computing for each match only `s1`, the rank of its tiny stored title vector;
2. keeps a *window* `w` of the best `window` matches by `s1` (or by the sort key);
3. ranks only the window by the whole weighted document (`s2`: ts_rank_cd with the A-D weights,
   divided by 1 + ln(1 + distinct words) -- the normalisation of ts_rank_cd's flag 16, computed
   from the stored `search_length` instead of per row -- so long documents do not win by sheer
   size), and checks quoted phrases exactly there, where it means reading documents;
4. returns the page, the counts and the facet counts in one round trip. Facets are exact while
   the matches are few and estimated from a hash sample of them otherwise.
"""

# ruff: noqa: S608 -- statements are assembled from constants; user values are bound parameters.

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from search.engine import SearchQuery
from search.facets import facet_terms

# ts_rank weights for D, C, B, A: report text < report titles < description < incident title.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# Matches ranked by their whole document (relevance order); beyond, the title rank orders.
RANK_WINDOW = 100
# Matches checked for quoted phrases when there are too many to check them all.
PHRASE_WINDOW = 80
# Facets are counted exactly up to this many matches, from a sample of about this many beyond.
FACET_EXACT_LIMIT = 1_000
FACET_SAMPLE_SIZE = 400
# Filter-only terms live in `search_filters`; the listed facets in `search_facets`.
FILTER_ONLY_FACETS = frozenset({"author", "incident"})

HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"
FRAGMENT_DELIMITER = "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxFragments=2, MaxWords=28, "
    f"MinWords=10, ShortWord=2, FragmentDelimiter={FRAGMENT_DELIMITER}"
)
SNIPPET_SOURCE_CHARS = 1_500


@dataclass(frozen=True)
class DocumentTable:
    """What a hit type searches: its table, key and date columns."""

    type: str
    table: str
    key: str
    incident_date: str
    published: str
    submitted: str


INCIDENTS = DocumentTable(
    "incident", "incidents_incident", "id", "d.date", "d.search_published", "d.search_submitted"
)
REPORTS = DocumentTable(
    "report",
    "incidents_report",
    "number",
    "d.search_incident_date",
    "d.date_published",
    "d.date_submitted",
)

SORT_KEYS = {
    "newest": ("incident_date", "DESC"),
    "oldest": ("incident_date", "ASC"),
    "published": ("published", "DESC"),
    "submitted": ("submitted", "DESC"),
}


@dataclass
class Statement:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)


_LEXEME = re.compile(r"(!?)\s*'((?:[^']|'')*)'")


@dataclass(frozen=True)
class TextQuery:
    """The tsqueries of a parsed query, as PostgreSQL normalised them (see PostgresEngine)."""

    exact: str
    loose: str

    @property
    def has_phrase(self) -> bool:
        return self.exact != self.loose

    @property
    def highlight(self) -> str:
        """Any of the query's wanted words: a snippet marks each one it shows, even where
        the fragment does not hold them all."""
        wanted = [f"'{lexeme}'" for negated, lexeme in _LEXEME.findall(self.exact) if not negated]
        return " | ".join(dict.fromkeys(wanted)) or self.exact


def where_clauses(
    query: SearchQuery, doc: DocumentTable, text: TextQuery | None
) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if text is not None:
        clauses.append("d.search_vector @@ %(loose)s::tsquery")
        params["loose"] = text.loose
    for n, (name, terms) in enumerate(sorted(facet_terms(query.facets).items())):
        if doc is INCIDENTS and name == "incident":
            ids = [int(t.split(":", 1)[1]) for t in terms if t.split(":", 1)[1].isdigit()]
            clauses.append(f"d.id = ANY(%(facet_{n})s::int[])")
            params[f"facet_{n}"] = ids
            continue
        column = "d.search_filters" if name in FILTER_ONLY_FACETS else "d.search_facets"
        clauses.append(f"{column} && %(facet_{n})s::text[]")
        params[f"facet_{n}"] = terms
    if query.incident_ids:
        if doc is INCIDENTS:
            clauses.append("d.id = ANY(%(incident_ids)s::int[])")
            params["incident_ids"] = list(query.incident_ids)
        else:
            clauses.append("d.search_filters && %(incident_terms)s::text[]")
            params["incident_terms"] = [f"incident:{i}" for i in query.incident_ids]
    if query.after_id is not None:
        clauses.append(f"d.{doc.key} > %(after_id)s")
        params["after_id"] = query.after_id
    if query.date_from:
        clauses.append(f"{doc.incident_date} >= %(date_from)s")
        params["date_from"] = query.date_from
    if query.date_to:
        clauses.append(f"{doc.incident_date} <= %(date_to)s")
        params["date_to"] = query.date_to
    if text is not None and len(clauses) > 1:
        # With words to match, the word index must drive: a filter the planner prefers to
        # index (a common domain, a date range) would make it test `@@` on every row it
        # returns, reading whole documents (measured: 200 ms against 10 ms). `IS TRUE` keeps
        # the filters exact but out of the index's reach.
        clauses = [clauses[0]] + [f"({clause}) IS TRUE" for clause in clauses[1:]]
    return clauses or ["TRUE"], params


def _sort_column(query: SearchQuery, doc: DocumentTable) -> tuple[str, str]:
    attribute, direction = SORT_KEYS[query.effective_sort]
    return getattr(doc, attribute), direction


def document_score(doc_alias: str) -> str:
    return (
        f"ts_rank_cd('{RANK_WEIGHTS}', {doc_alias}.search_vector, %(exact)s::tsquery)"
        f" / (1 + ln(1 + {doc_alias}.search_length))"
    )


def hit_columns(doc: DocumentTable) -> str:
    # An incident's snippet comes from its description: reading its reports' texts for a
    # better fragment cost more than the whole search (20 x 13 reports from disk).
    snippet_text = (
        "left(coalesce(h.description, ''), %(snippet_chars)s)"
        if doc is INCIDENTS
        else "left(coalesce(h.description, '') || ' ' || h.text, %(snippet_chars)s)"
    )
    headline = (
        "CASE WHEN %(loose)s::text IS NULL THEN left(h.description, 300) ELSE ts_headline("
        "'registry_english', translate("
        f"{snippet_text}, %(sentinels)s, ''), %(highlight)s::tsquery, %(headline_options)s) END"
    )
    if doc is INCIDENTS:
        return (
            "'id', h.id, 'title', h.title, 'date', h.date, 'snippet', "
            f"{headline}, 'reports', (SELECT count(*) FROM incidents_report_incidents ri "
            "WHERE ri.incident_id = h.id)"
        )
    return (
        "'id', h.number, 'title', h.title, 'date', h.date_published, "
        f"'snippet', {headline}, 'url', h.url, 'domain', h.source_domain, "
        "'incidents', ARRAY(SELECT ri.incident_id FROM incidents_report_incidents ri "
        "WHERE ri.report_id = h.number ORDER BY ri.incident_id)"
    )


def search_statement(query: SearchQuery, doc: DocumentTable, text: TextQuery | None) -> Statement:
    """The page, the counts and the facets of `query`, in one statement."""
    where, params = where_clauses(query, doc, text)
    relevance = query.effective_sort == "relevance" and text is not None
    phrase = text is not None and text.has_phrase
    sort_column, direction = ("NULL", "DESC") if relevance else _sort_column(query, doc)
    s1 = f"ts_rank('{RANK_WEIGHTS}', d.search_title, %(loose)s::tsquery)" if text else "0"
    facet_column = ", d.search_facets AS facets" if query.with_facets else ""
    params.update(
        {
            "exact": text.exact if text else None,
            "loose": text.loose if text else None,
            "highlight": text.highlight if text else None,
            "limit": query.page_size,
            "offset": query.offset,
            "window": PHRASE_WINDOW if phrase else RANK_WINDOW,
            "snippet_chars": SNIPPET_SOURCE_CHARS,
            "sentinels": HIGHLIGHT_START + HIGHLIGHT_STOP + FRAGMENT_DELIMITER,
            "headline_options": HEADLINE_OPTIONS,
            "facet_exact": FACET_EXACT_LIMIT,
            "facet_sample": FACET_SAMPLE_SIZE,
            "selected_terms": [t for terms in facet_terms(query.facets).values() for t in terms],
        }
    )
    nulls = "NULLS LAST"  # undated records last whichever the direction
    window_order = (
        "m.s1 DESC, m.id DESC" if relevance else f"m.k {direction} {nulls}, m.id {direction}"
    )
    ctes = [
        f"""m AS MATERIALIZED (
            SELECT d.{doc.key} AS id, {s1} AS s1, {sort_column} AS k{facet_column}
            FROM {doc.table} d WHERE {" AND ".join(where)})"""
    ]
    if relevance or phrase:
        ctes.append(
            f"""w AS MATERIALIZED (
                SELECT m.id, m.s1, m.k FROM m ORDER BY {window_order} LIMIT %(window)s)"""
        )
        score = document_score("d") if relevance else "NULL::real"
        check = "WHERE d.search_vector @@ %(exact)s::tsquery" if phrase else ""
        ctes.append(
            f"""v AS MATERIALIZED (
                SELECT w.id, w.k, w.s1, {score} AS s FROM w
                JOIN {doc.table} d ON d.{doc.key} = w.id {check})"""
        )
    if relevance and not phrase and query.offset + query.page_size > RANK_WINDOW:
        ordered = """SELECT id, s, 0 AS tier, k FROM v
            UNION ALL SELECT m.id, m.s1 / 100, 1, m.k FROM m
            WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.id = m.id)"""
        page_order = "tier, s DESC, id DESC"
    elif relevance:
        ordered = "SELECT id, s, 0 AS tier, k FROM v"
        page_order = "s DESC, id DESC"
    elif phrase:
        ordered = "SELECT id, NULL::real AS s, 0 AS tier, k FROM v"
        page_order = f"k {direction} {nulls}, id {direction}"
    else:
        ordered = "SELECT id, NULL::real AS s, 0 AS tier, k FROM m"
        page_order = f"k {direction} {nulls}, id {direction}"
    ctes.append(
        f"""page AS MATERIALIZED (
            SELECT o.id, o.s, row_number() OVER (ORDER BY {page_order}) AS rn
            FROM ({ordered}) o ORDER BY {page_order} LIMIT %(limit)s OFFSET %(offset)s)"""
    )
    facets_sql = "NULL::json"
    if query.with_facets:
        # A phrase query counts facets over its loose matches, scaled afterwards.
        ctes.append(
            """fs AS MATERIALIZED (
                SELECT m.facets FROM m
                WHERE (SELECT count(*) FROM m) <= %(facet_exact)s
                   OR abs(hashint4(m.id)) %% greatest(1,
                        ((SELECT count(*) FROM m) / %(facet_sample)s)::int) = 0)"""
        )
        ctes.append(
            """fc AS (
                SELECT split_part(f, ':', 1) AS facet, substr(f, strpos(f, ':') + 1) AS value,
                       count(*) AS n, bool_or(f = ANY(%(selected_terms)s::text[])) AS selected
                FROM fs CROSS JOIN unnest(fs.facets) f GROUP BY f)"""
        )
        facets_sql = """(SELECT json_agg(json_build_array(facet, value, n, selected)) FROM (
                SELECT fc.*, row_number() OVER (
                    PARTITION BY facet ORDER BY n DESC, value) AS rn FROM fc) ranked
                WHERE rn <= 10 OR selected)"""
    hits_sql = f"""(SELECT json_agg(json_build_object(
                'score', page.s, {hit_columns(doc)}) ORDER BY page.rn)
            FROM page JOIN {doc.table} h ON h.{doc.key} = page.id)"""
    verified = "(SELECT count(*) FROM v)" if phrase else "NULL::bigint"
    windowed = "(SELECT count(*) FROM w)" if phrase else "NULL::bigint"
    sampled = "(SELECT count(*) FROM fs)" if query.with_facets else "NULL::bigint"
    sql = f"""WITH {", ".join(ctes)}
        SELECT (SELECT count(*) FROM m) AS matched, {windowed} AS windowed,
               {verified} AS verified, {sampled} AS sampled,
               {hits_sql} AS hits, {facets_sql} AS facets"""
    return Statement(sql, params)


def count_statement(
    query: SearchQuery, doc: DocumentTable, text: TextQuery | None, *, cap: int
) -> Statement:
    """How many rows the export of `query` holds, counted up to `cap` (its conditions: every
    row's phrases checked)."""
    where, params = where_clauses(query, doc, text)
    if text is not None and text.has_phrase:
        where.append("d.search_vector @@ %(exact)s::tsquery")
        params["exact"] = text.exact
    params["cap"] = cap
    conditions = " AND ".join(where)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {doc.table} d WHERE {conditions} LIMIT %(cap)s) c"
    return Statement(sql, params)


def export_statement(query: SearchQuery, doc: DocumentTable, text: TextQuery | None) -> Statement:
    """Every match of `query` in its order, for the streamed export (no window, no facets:
    the whole result set, with phrases checked on every row)."""
    where, params = where_clauses(query, doc, text)
    params.update({"exact": text.exact if text else None})
    if text is not None and text.has_phrase:
        where.append("d.search_vector @@ %(exact)s::tsquery")
    relevance = query.effective_sort == "relevance" and text is not None
    if relevance:
        params["loose"] = text.loose if text else None
        order = f"{document_score('d')} DESC, d.{doc.key} DESC"
    else:
        column, direction = _sort_column(query, doc)
        order = f"{column} {direction} NULLS LAST, d.{doc.key} {direction}"
    if doc is INCIDENTS:
        columns = """d.id, d.title, d.date, d.description,
            (SELECT count(*) FROM incidents_report_incidents ri WHERE ri.incident_id = d.id)
                AS reports,
            ARRAY(SELECT substr(f, 8) FROM unnest(d.search_facets) f
                WHERE starts_with(f, 'domain:')) AS domains"""
    else:
        columns = """d.number, d.title, d.date_published, d.url, d.source_domain, d.language,
            d.kind, d.authors,
            ARRAY(SELECT ri.incident_id FROM incidents_report_incidents ri
                WHERE ri.report_id = d.number ORDER BY ri.incident_id) AS incidents"""
    sql = f"SELECT {columns} FROM {doc.table} d WHERE {' AND '.join(where)} ORDER BY {order}"
    return Statement(sql, params)
