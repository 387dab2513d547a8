"""Text similarity of a proposed incident to the catalog's, as a hook the search layer fills.

The domains may not import search (docs/architecture.md), yet a submission's duplicate check
wants the search engine's similarity (weighted words, not only title trigrams). The search app
registers its finder from `SearchConfig.ready()`; without one (search not installed) the
finder answers nothing and callers fall back to what they have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SimilarText:
    incident_id: int
    title: str
    score: float  # 0-1, the finder's measure


# finder(title=..., text=..., limit=...) -> incidents whose text reads like it, best first.
SimilarTextFinder = Callable[..., list[SimilarText]]
_FINDER: list[SimilarTextFinder] = []


def similar_text_register(finder: SimilarTextFinder) -> None:
    """Install the finder (the last one registered wins: there is one search layer)."""
    _FINDER[:] = [finder]


def similar_incidents_for_text(*, title: str, text: str = "", limit: int = 5) -> list[SimilarText]:
    if not _FINDER:
        return []
    return _FINDER[0](title=title, text=text, limit=limit)
