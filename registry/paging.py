"""A paginator told its total instead of counting it.

Django's Paginator counts with COUNT(*) over the page's queryset, annotations and all: for a
list annotated with an aggregate that is a GROUP BY over the whole table in a subquery. A list
view passes a cheaper (or remembered, `registry.cache.memoize`) count instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._count_of = count

    @cached_property
    def count(self) -> int:
        return self._count_of()
