"""Request parameters -> SearchQuery, shared by the page, the API and the export.

Every parameter of the page's URL is also the API's, so a search is shareable by its URL and an
API call can be copied from the address bar. Bad values raise SearchParamError with a message
for the person who sent them (the views answer 400 with it); unknown parameters are ignored.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from registry.ids import MAX_ID
from search.engine import (
    HIT_TYPES,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SORT_ORDERS,
    HitType,
    SearchQuery,
    SortOrder,
)
from search.facets import FacetError, parse_facet_filters
from search.query import QueryError, clean_text, parse_query

DEFAULT_PAGE_SIZE = 20
MAX_FILTER_VALUES = 50

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class SearchParamError(ValueError):
    """A parameter that cannot be searched with; the message says which and why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _single(params: Any, name: str, default: str = "") -> str:
    value = params.get(name, default)
    if isinstance(value, list | tuple):
        value = value[0] if value else default
    return clean_text(str(value)) if value is not None else default


def _many(params: Any, name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
    if isinstance(values, str):
        values = [values]
    cleaned = [clean_text(str(v)) for v in values]
    cleaned = [v for v in cleaned if v]
    if len(cleaned) > MAX_FILTER_VALUES:
        raise SearchParamError(
            f"At most {MAX_FILTER_VALUES} values of {name!r} are accepted.", name
        )
    return cleaned


def _whole_number(raw: str, name: str, *, default: int, low: int, high: int) -> int:
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchParamError(
            f"{name!r} must be a whole number (got {raw[:40]!r}).", name
        ) from None
    if not low <= value <= high:
        raise SearchParamError(f"{name!r} must be between {low} and {high} (got {value}).", name)
    return value


def _date(raw: str, name: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise SearchParamError(
            f"{name!r} must be a date as YYYY-MM-DD (got {raw[:40]!r}).", name
        ) from None


def _flag(raw: str, name: str) -> bool | None:
    if not raw:
        return None
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise SearchParamError(f"{name!r} must be yes or no (got {raw[:40]!r}).", name)


SEARCH_PARAMETERS = frozenset(
    {
        "q",
        "type",
        "sort",
        "page",
        "page_size",
        "facet",
        "author",
        "flagged",
        "incident",
        "date_after",
        "date_before",
        # Deprecated aliases of date_after / date_before (registry.api_deprecation).
        "date_from",
        "date_to",
        "facets",
    }
)


def search_query_from_params(params: Mapping[str, Any], *, user: Any = None) -> SearchQuery:
    """Build the SearchQuery a request asks for, or raise SearchParamError."""
    try:
        parsed = parse_query(_single(params, "q"))
    except QueryError as exc:
        raise SearchParamError(str(exc), "q") from None
    hit_type = _single(params, "type", "incident") or "incident"
    if hit_type not in HIT_TYPES:
        raise SearchParamError(
            f"'type' must be one of {', '.join(HIT_TYPES)} (got {hit_type!r}).", "type"
        )
    sort = _single(params, "sort", "relevance") or "relevance"
    if sort not in SORT_ORDERS:
        raise SearchParamError(
            f"'sort' must be one of {', '.join(SORT_ORDERS)} (got {sort!r}).", "sort"
        )
    page = _whole_number(_single(params, "page"), "page", default=1, low=1, high=MAX_RESULT_WINDOW)
    # As on every list of the API: a page size above the maximum is capped, not refused.
    page_size = min(
        _whole_number(
            _single(params, "page_size"),
            "page_size",
            default=DEFAULT_PAGE_SIZE,
            low=1,
            high=MAX_ID,
        ),
        MAX_PAGE_SIZE,
    )
    if (page - 1) * page_size >= MAX_RESULT_WINDOW:
        raise SearchParamError(
            f"Pages reach the first {MAX_RESULT_WINDOW:,} results; the export has them all.",
            "page",
        )
    raw_facets = _many(params, "facet")
    raw_facets += [f"author:{a}" for a in _many(params, "author")]
    flagged = _flag(_single(params, "flagged"), "flagged")
    if flagged is not None:
        raw_facets.append(f"flagged:{'yes' if flagged else 'no'}")
    if hit_type == "disclosure":
        raw_facets = [f for f in raw_facets if not f.startswith("flagged:")]
    try:
        facets = parse_facet_filters(raw_facets, hit_type=hit_type)
    except FacetError as exc:
        raise SearchParamError(str(exc), "facet") from None
    incident_ids = tuple(
        _whole_number(raw, "incident", default=0, low=1, high=MAX_ID)
        for raw in _many(params, "incident")
    )
    after_name = "date_after" if _single(params, "date_after") else "date_from"
    before_name = "date_before" if _single(params, "date_before") else "date_to"
    date_from = _date(_single(params, after_name), after_name)
    date_to = _date(_single(params, before_name), before_name)
    if date_from and date_to and date_from > date_to:
        raise SearchParamError(f"{after_name!r} is after {before_name!r}.", after_name)
    with_facets = _flag(_single(params, "facets"), "facets")
    return SearchQuery(
        parsed=parsed,
        type=cast(HitType, hit_type),
        facets=facets,
        date_from=date_from,
        date_to=date_to,
        incident_ids=incident_ids,
        sort=cast(SortOrder, sort),
        page=page,
        page_size=page_size,
        with_facets=with_facets is not False,
        user=user,
    )


def query_to_params(query: SearchQuery, **changes: Any) -> list[tuple[str, str]]:
    """The URL parameters of a query (for links: pages, facet toggles, export), with changes
    (None removes a parameter)."""
    params: dict[str, Any] = {
        "q": query.parsed.text or None,
        "type": query.type if query.type != "incident" else None,
        "sort": query.sort if query.sort != "relevance" else None,
        "date_after": query.date_from.isoformat() if query.date_from else None,
        "date_before": query.date_to.isoformat() if query.date_to else None,
        "incident": [str(i) for i in query.incident_ids] or None,
        "facet": [f"{name}:{value}" for name, values in query.facets.items() for value in values]
        or None,
        "page": str(query.page) if query.page != 1 else None,
        "page_size": str(query.page_size) if query.page_size != DEFAULT_PAGE_SIZE else None,
    }
    params.update(changes)
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs
