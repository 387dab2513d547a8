"""The one counting rule of search results, shared by the search page, the API and the export.

Counts are exact up to EXACT_COUNT_LIMIT matches: when the engine estimated a total (a common
word's report matches counted on a sample, a phrase checked on the best matches only), the
service counts the matches again with the export's own conditions, so the number shown and the
export's row count are the same number. Beyond that size a total may stay an estimate, shown
as "about N". The pages never promise more than they reach: they stop at MAX_RESULT_WINDOW
hits, and at the pool a relevance ordering ranks (`reachable`), and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

# Deeper than this, a listing is an export's job (as with Elasticsearch's result window).
MAX_RESULT_WINDOW = 10_000
# Documented in README.md ("Search counts") and the API schema: exact up to this many matches.
EXACT_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class SearchCount:
    """What a result set's pages can promise: `total` matches (exact unless `exact` is
    False), of which the pages reach the first `reachable`, `page_size` at a time."""

    total: int
    exact: bool
    reachable: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.reachable // self.page_size))

    @property
    def capped(self) -> bool:
        """True when the pages stop before the last match (the export still has them all)."""
        return self.reachable < self.total

    @property
    def label(self) -> str:
        """The number as the page shows it: "1,234" or "about 12,000"."""
        return f"{self.total:,}" if self.exact else f"about {self.total:,}"

    def hits_on_page(self, page: int) -> int:
        """How many hits page `page` holds (0 beyond the last page)."""
        if page < 1 or page > self.pages:
            return 0
        return max(0, min(self.page_size, self.reachable - (page - 1) * self.page_size))

    def capped_notice(self, *, relevance: bool) -> str | None:
        """Why the pages stop early and how to get every match, or None when they do not."""
        if not self.capped:
            return None
        how = "sort by date or download the export" if relevance else "download the export"
        return (
            f"The pages show the first {self.reachable:,} of these {self.label} results; "
            f"to go through all of them, {how}."
        )


def search_count(
    *, total: int, estimated: bool, reachable: int | None, page_size: int
) -> SearchCount:
    """The rule: an estimated total stays "about N"; the pages reach at most the engine's
    reachable pool, the total and MAX_RESULT_WINDOW hits."""
    within = min(total, MAX_RESULT_WINDOW if reachable is None else reachable, MAX_RESULT_WINDOW)
    return SearchCount(total=total, exact=not estimated, reachable=within, page_size=page_size)
