"""The search service's typed interface, and the choice of engine.

Views, the API, the export and the similarity panel build a `SearchQuery` and get back a
`SearchResult`; they never know which engine answered. `get_engine()` returns the engine
named by `settings.SEARCH_ENGINE` ("postgres" by default, "elasticsearch" when
ELASTICSEARCH_URL is set).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from django.conf import settings
from django.utils.safestring import SafeString

# MAX_RESULT_WINDOW lives with the counting rule; re-exported for the callers that import it here.
from search.counting import MAX_RESULT_WINDOW as MAX_RESULT_WINDOW
from search.counting import SearchCount, search_count
from search.query import ParsedQuery

HitType = Literal["incident", "report", "disclosure"]
SortOrder = Literal["relevance", "newest", "oldest", "published", "submitted"]

SORT_ORDERS: dict[str, str] = {
    "relevance": "Relevance",
    "newest": "Newest incident date",
    "oldest": "Oldest incident date",
    "published": "Latest published",
    "submitted": "Latest submitted",
}
HIT_TYPES: dict[str, str] = {
    "incident": "One hit per incident",
    "report": "Every report",
    "disclosure": "Emissions disclosures",
}
MAX_PAGE_SIZE = 100


class SearchUnavailable(RuntimeError):
    """The engine cannot answer now (cluster down, timeout); the caller may fall back."""


@dataclass(frozen=True)
class SearchQuery:
    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    type: HitType = "incident"
    # Facet filters: facet name -> accepted values (OR within a facet, AND across facets).
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    incident_ids: tuple[int, ...] = ()
    sort: SortOrder = "relevance"
    page: int = 1
    page_size: int = 20
    with_facets: bool = True
    # Run the "did you mean" correction when nothing matches as typed.
    correct: bool = True
    # Disclosures beyond the verified ones are visible to their owners and reviewers only.
    user: Any = None
    # Only records added after this incident id / report number (the follows' digests; the
    # PostgreSQL engine's rows honour it).
    after_id: int | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def effective_sort(self) -> SortOrder:
        """Relevance needs words to be relevant to; a browse without them lists newest first."""
        if self.sort == "relevance" and self.parsed.is_empty:
            return "newest"
        return self.sort


@dataclass(frozen=True)
class Hit:
    type: HitType
    id: int
    title: str
    url: str
    score: float | None
    snippet: SafeString
    incident_ids: tuple[int, ...] = ()
    report_number: int | None = None
    date: datetime.date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: tuple[Hit, ...]
    total: int
    # True when `total` (and the facet counts) are estimates: exact counts of a very common
    # word's matches cost more than the search itself.
    estimated: bool = False
    # How many hits the pages can reach, when fewer than `total` (an estimated total of a
    # phrase query whose phrases were checked on the best matches only).
    reachable: int | None = None
    facets: tuple[Facet, ...] = ()
    facets_estimated: bool = False
    suggestion: str | None = None
    corrected_from: str | None = None
    engine: str = "postgres"
    notices: tuple[str, ...] = ()

    @property
    def count(self) -> SearchCount:
        """The counting rule (search/counting.py): what to show, how many pages."""
        return search_count(
            total=self.total,
            estimated=self.estimated,
            reachable=self.reachable,
            page_size=self.query.page_size,
        )

    @property
    def pages(self) -> int:
        return self.count.pages


class SearchEngine(Protocol):
    name: str

    def search(self, query: SearchQuery) -> SearchResult: ...

    def iter_rows(self, query: SearchQuery) -> Iterator[Mapping[str, Any]]:
        """Every matching row of the whole result set, in the query's order (the export)."""
        ...


def get_engine(name: str | None = None) -> SearchEngine:
    chosen = name or getattr(settings, "SEARCH_ENGINE", "postgres")
    if chosen == "elasticsearch":
        from search.es import ElasticsearchEngine

        return ElasticsearchEngine()
    from search.pg import PostgresEngine

    return PostgresEngine()
