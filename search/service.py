"""The search service: run a query on the configured engine, falling back to PostgreSQL when
Elasticsearch cannot answer. Pages, the API and the export all come through here."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from search.across import without_needless_suggestion
from search.counting import EXACT_COUNT_LIMIT
from search.engine import SearchQuery, SearchResult, SearchUnavailable, get_engine
from search.pg import PostgresEngine
from search.query import parse_query

logger = logging.getLogger("search")

FALLBACK_NOTICE = (
    "The search cluster is not answering; these results come from the database instead "
    "(no typo tolerance beyond the suggestions)."
)


def search_run(query: SearchQuery) -> SearchResult:
    """Search with the configured engine. An Elasticsearch failure (cluster down, timeout)
    falls back to PostgreSQL, the source of truth, with a notice on the result; a PostgreSQL
    failure raises SearchUnavailable."""
    engine = get_engine()
    if engine.name == "postgres":
        return _counted_exactly(without_needless_suggestion(engine.search(query)))
    try:
        result = without_needless_suggestion(engine.search(query))
        if result.suggestion and result.total == 0:
            # The cluster's term suggester does not know whether its words find anything.
            tried = engine.search(
                replace(query, parsed=parse_query(result.suggestion), correct=False)
            )
            if tried.total <= result.total:
                result = replace(result, suggestion=None)
        return _counted_exactly(result)
    except SearchUnavailable as exc:
        logger.warning("elasticsearch unavailable, falling back to postgres: %s", exc)
        result = get_engine("postgres").search(query)
        return _counted_exactly(
            without_needless_suggestion(replace(result, notices=(*result.notices, FALLBACK_NOTICE)))
        )


def export_query(result: SearchResult) -> SearchQuery:
    """The query whose rows the export streams: the corrected one when "did you mean"
    answered in place of the words as typed (so its rows are the ones counted)."""
    if result.corrected_from and result.suggestion:
        return replace(result.query, parsed=parse_query(result.suggestion), correct=False)
    return result.query


def _counted_exactly(result: SearchResult) -> SearchResult:
    """The counting rule (search/counting.py): an estimated total is counted again, exactly,
    by the export's conditions when there are at most EXACT_COUNT_LIMIT matches."""
    if not result.estimated or result.query.type == "disclosure":
        return result
    try:
        exact = PostgresEngine().count_rows(export_query(result), cap=EXACT_COUNT_LIMIT + 1)
    except SearchUnavailable:
        return result  # the estimate stands, shown as "about N"
    if exact > EXACT_COUNT_LIMIT:
        return result
    return replace(result, total=exact, estimated=False)


def search_rows(query: SearchQuery) -> Iterator[Mapping[str, Any]]:
    """Every row of the whole result set, for the export. The export always reads
    PostgreSQL: it is the source of truth, and a server-side cursor streams any size."""
    yield from get_engine("postgres").iter_rows(query)
