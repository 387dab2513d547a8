"""Facet strings of classification values: `Namespace:field:value`, one per atomic value."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from itertools import takewhile
from typing import Any


def _atoms(value: Any) -> Iterable[str]:
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "") and not isinstance(v, dict | list)]
    if isinstance(value, bool):
        return ["Yes" if value else "No"]
    if isinstance(value, dict):
        return []
    return [str(value)]


def classification_facets(namespace: str, values: Mapping[str, Any]) -> list[str]:
    """Every `Namespace:field:value` string of a classification's values, sorted, unique."""
    facets = {
        f"{namespace}:{field}:{atom}"[:600]
        for field, value in values.items()
        for atom in _atoms(value)
    }
    return sorted(facets)


def facet_counts_under(counts: list[tuple[str, int]], prefix: str) -> list[tuple[str, int]]:
    """The (facet, count) pairs of `counts` (sorted by facet) that start with `prefix`, e.g. one
    field's `Namespace:field:`: a binary search, not a scan of every facet per field."""
    start = bisect_left(counts, prefix, key=lambda item: item[0])
    return list(takewhile(lambda item: item[0].startswith(prefix), counts[start:]))
