"""The PostgreSQL search engine (the default): stored weighted tsvectors, GIN, websearch syntax,
length-normalised ranking, ts_headline snippets, trigram "did you mean". See pg_sql.py for the
shape of the statement and why.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils.safestring import SafeString, mark_safe

from search.engine import (
    Facet,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from search.facets import (
    ENTITY_FACETS,
    FACET_VALUES_SHOWN,
    entity_labels,
    facet_definitions,
    value_label,
)
from search.pg_reports import (
    REPORT_DIRECT_LIMIT,
    capped_report_count,
    collapsed_report_statement,
)
from search.pg_sql import (
    FRAGMENT_DELIMITER,
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    INCIDENTS,
    REPORTS,
    DocumentTable,
    TextQuery,
    count_statement,
    export_statement,
    search_statement,
)
from search.query import ParsedQuery, parse_query, strip_accents

STATEMENT_TIMEOUT_MS = 8_000
EXPORT_CHUNK_ROWS = 2_000

# The planner costs `search_vector @@ q` on a sequential scan as if documents were free to
# read; for a common word it then reads every (tens of kB, TOASTed) document instead of
# taking the GIN bitmap, which answers plain word queries without reading any. Measured on the
# benchmark corpus: 560 ms against 8 ms.
SESSION_SQL = (
    "SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; "
    f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"
)
TEXT_SESSION_SQL = SESSION_SQL + "; SET LOCAL enable_seqscan = off"

TSQUERIES_SQL = """
SELECT websearch_to_tsquery('registry_english', %(exact)s)::text,
       regexp_replace(websearch_to_tsquery('registry_english', %(loose)s)::text,
                      '<(-|[0-9]+)>', '&', 'g')
"""

SUGGESTION_SQL = """
SELECT w.word, EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.word = w.word),
       (SELECT v.word FROM search_vocabulary v WHERE v.word %% w.word
        ORDER BY similarity(v.word, w.word) DESC, v.documents DESC, v.word LIMIT 1)
FROM unnest(%(words)s::text[]) WITH ORDINALITY AS w(word, n) ORDER BY w.n
"""

_SUGGESTABLE = re.compile(r"^[a-z]{3,40}$")


class NoLexemes(Exception):
    """The query has only words the index ignores ("the", "of")."""


def render_snippet(raw: str | None) -> SafeString:
    """Escape a highlighted fragment, then turn the engine's sentinels into <mark> tags: the
    only markup in a snippet is ours."""
    text = " ".join((raw or "").split())
    if text.count(HIGHLIGHT_START) != text.count(HIGHLIGHT_STOP):
        text = text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, "")
    escaped = html.escape(text, quote=True)
    escaped = escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(escaped.replace(FRAGMENT_DELIMITER, " … "))  # noqa: S308


def _document_table(query: SearchQuery) -> DocumentTable:
    return REPORTS if query.type == "report" else INCIDENTS


def text_query(cursor: Any, parsed: ParsedQuery) -> TextQuery | None:
    """The exact and loose tsqueries of a parsed query (None for an empty one)."""
    if parsed.is_empty:
        return None
    cursor.execute(TSQUERIES_SQL, {"exact": parsed.websearch(), "loose": parsed.loose_websearch()})
    exact, loose = cursor.fetchone()
    if not exact:
        raise NoLexemes
    # Only excluded phrases ("-\"a b\""): nothing to relax to, the exact query must do.
    return TextQuery(exact=exact, loose=loose or exact)


class PostgresEngine:
    name = "postgres"

    def search(self, query: SearchQuery) -> SearchResult:
        if query.type == "disclosure":
            from search.disclosures import disclosure_search

            return disclosure_search(query)
        try:
            result = self._search(query)
        except NoLexemes:
            return SearchResult(
                query=query,
                hits=(),
                total=0,
                notices=("The query has only words too common to search for.",),
            )
        if result.total == 0 and query.correct and query.parsed.words:
            # A suggestion is offered as a link, never run in the query's place, and only
            # when it would find something ("BLOOM" must not become "blood" unasked).
            suggestion = self.suggest(query.parsed)
            if suggestion:
                corrected = _with_parsed(query, parse_query(suggestion))
                try:
                    retry = self._search(corrected)
                except NoLexemes:
                    return result
                if retry.total > result.total:
                    return _replace(result, suggestion=suggestion)
        return result

    def _search(self, query: SearchQuery) -> SearchResult:
        doc = _document_table(query)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                session = SESSION_SQL if query.parsed.is_empty else TEXT_SESSION_SQL
                cursor.execute(session)
                text = text_query(cursor, query.parsed)
                statement = search_statement(query, doc, text)
                collapsed = False
                if doc is REPORTS and text is not None and query.effective_sort == "relevance":
                    count = capped_report_count(query, text)
                    cursor.execute(count.sql, count.params)
                    collapsed = cursor.fetchone()[0] > REPORT_DIRECT_LIMIT
                    if collapsed:
                        statement = collapsed_report_statement(query, text)
                cursor.execute(statement.sql, statement.params)
                matched, windowed, verified, sampled, hits, facets = cursor.fetchone()
        except OperationalError as exc:
            if "statement timeout" in str(exc) or "canceling statement" in str(exc):
                raise SearchUnavailable("The search took too long; narrow it down.") from exc
            raise
        total, estimated, reachable = int(matched), False, None
        scale = 1.0
        if collapsed:
            # Counted in the one-in-32 sample; the pages reach the pool of the best incidents.
            estimated, reachable = True, int(verified)
        elif verified is not None:
            if matched <= windowed:
                total = int(verified)
            else:
                # Quoted phrases were checked on the best `windowed` matches only.
                ratio = verified / windowed if windowed else 0.0
                total, estimated, reachable = round(matched * ratio), True, int(verified)
                scale = ratio
        facets_estimated = estimated or (sampled is not None and sampled < matched)
        if collapsed and total == 0 and hits:
            # A rare phrase that no sampled report holds: the pool's count is all we know.
            total = int(verified)
        if sampled:
            scale *= matched / sampled
        return SearchResult(
            query=query,
            hits=tuple(_hit(doc, row) for row in hits or ()),
            total=total,
            estimated=estimated,
            reachable=reachable,
            facets=_facets(query, facets or (), scale),
            facets_estimated=facets_estimated,
            engine=self.name,
        )

    def suggest(self, parsed: ParsedQuery) -> str | None:
        """The query with each word the index does not know replaced by the most similar known
        word (trigram similarity over the titles' vocabulary), or None."""
        words = [strip_accents(word).lower() for word in parsed.words]
        candidates = sorted({w for w in words if _SUGGESTABLE.match(w)})
        if not candidates:
            return None
        with connection.cursor() as cursor:
            cursor.execute(SUGGESTION_SQL, {"words": candidates})
            replacements = {
                word: best
                for word, known, best in cursor.fetchall()
                if not known and best and best != word
            }
        if not replacements:
            return None
        text = parsed.text
        for word, best in replacements.items():
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, text, flags=re.IGNORECASE)
        return text if text != parsed.text else None

    def count_rows(self, query: SearchQuery, *, cap: int) -> int:
        """How many rows `iter_rows` yields, counted up to `cap` (the counting rule's exact
        count, search/counting.py)."""
        doc = _document_table(query)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(SESSION_SQL if query.parsed.is_empty else TEXT_SESSION_SQL)
                try:
                    text = text_query(cursor, query.parsed)
                except NoLexemes:
                    return 0
                statement = count_statement(query, doc, text, cap=cap)
                cursor.execute(statement.sql, statement.params)
                return int(cursor.fetchone()[0])
        except OperationalError as exc:
            raise SearchUnavailable("Counting the matches took too long.") from exc

    def iter_rows(self, query: SearchQuery) -> Iterator[Mapping[str, Any]]:
        """Every match, streamed through a server-side cursor (the export)."""
        if query.type == "disclosure":
            from search.disclosures import disclosure_rows

            yield from disclosure_rows(query)
            return
        doc = _document_table(query)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '32MB'")
                try:
                    text = text_query(cursor, query.parsed)
                except NoLexemes:
                    return
            statement = export_statement(query, doc, text)
            with connection.chunked_cursor() as cursor:
                cursor.execute(statement.sql, statement.params)
                names = [column.name for column in cursor.description]
                while rows := cursor.fetchmany(EXPORT_CHUNK_ROWS):
                    for row in rows:
                        yield dict(zip(names, row, strict=True))


def _with_parsed(query: SearchQuery, parsed: ParsedQuery) -> SearchQuery:
    from dataclasses import replace

    return replace(query, parsed=parsed, correct=False)


def _replace(result: SearchResult, **changes: Any) -> SearchResult:
    from dataclasses import replace

    return replace(result, **changes)


def _hit(doc: DocumentTable, row: Mapping[str, Any]) -> Hit:
    import datetime

    date = datetime.date.fromisoformat(row["date"]) if row.get("date") else None
    score = row.get("score")
    if doc is INCIDENTS:
        return Hit(
            type="incident",
            id=row["id"],
            title=row["title"],
            url=f"/incidents/{row['id']}/",
            score=round(score, 6) if score is not None else None,
            snippet=render_snippet(row.get("snippet")),
            incident_ids=(row["id"],),
            date=date,
            extra={"reports": row.get("reports", 0)},
        )
    return Hit(
        type="report",
        id=row["id"],
        title=row["title"],
        url=f"/reports/{row['id']}/",
        score=round(score, 6) if score is not None else None,
        snippet=render_snippet(row.get("snippet")),
        incident_ids=tuple(row.get("incidents") or ()),
        report_number=row["id"],
        date=date,
        extra={"source_url": row.get("url", ""), "domain": row.get("domain", "")},
    )


def _facets(query: SearchQuery, rows: Sequence[Sequence[Any]], scale: float) -> tuple[Facet, ...]:
    """Facet counts grouped by facet in the definitions' order, largest first."""
    definitions = facet_definitions(query.type)
    grouped: dict[str, list[tuple[str, int, bool]]] = {}
    for name, value, count, selected in rows:
        if name in definitions and (definitions[name].listed or selected):
            estimate = int(count) if scale == 1.0 else max(1, math.floor(count * scale + 0.5))
            grouped.setdefault(name, []).append((value, estimate, bool(selected)))
    slugs = [v for name in ENTITY_FACETS for v, _, _ in grouped.get(name, [])]
    names = entity_labels(slugs)
    facets = []
    for name, definition in definitions.items():
        values = grouped.get(name)
        if not values:
            continue
        values.sort(key=lambda item: (-item[1], item[0]))
        shown = [v for v in values[:FACET_VALUES_SHOWN]] + [
            v for v in values[FACET_VALUES_SHOWN:] if v[2]
        ]
        facets.append(
            Facet(
                name=name,
                label=definition.label,
                values=tuple(
                    FacetValue(
                        value=value,
                        label=value_label(name, value, names),
                        count=count,
                        selected=selected,
                    )
                    for value, count, selected in shown
                ),
            )
        )
    return tuple(facets)
