"""Cursor pagination for every collection: constant cost on deep pages, capped page sizes.

A view declares `orderings`, a mapping from the public `?ordering=` value to the ORM ordering;
the first key is the default. The first ordering field gives the cursor's position, so it must
be non-null (nullable dates are sorted through a `Coalesce` annotation, `date_key`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from registry.ids import MAX_ID

# Integer positions are ids or report numbers.
MAX_INTEGER_POSITION = MAX_ID


def _integer_position(raw: str) -> int:
    value = int(raw)
    if abs(value) > MAX_INTEGER_POSITION:
        raise ValueError("out of range")
    return value


def _text_position(raw: str) -> str:
    if "\x00" in raw:
        raise ValueError("NUL byte")
    return raw


# How the cursor's position is parsed for each ordering field (a crafted cursor must give a
# 400, never reach the database as a malformed value).
POSITION_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "id": _integer_position,
    "number": _integer_position,
    "old_id": _integer_position,
    "date_key": datetime.date.fromisoformat,
}


class RegistryCursorPagination(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    page_size_query_description = "Number of results per page (1 to 200; larger values are capped)."
    cursor_query_description = "Opaque cursor from a previous page's `next` or `previous` link."
    ordering = "-id"

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        orderings: Mapping[str, tuple[str, ...]] = view.orderings
        chosen = request.query_params.get("ordering")
        return orderings.get(chosen or "", next(iter(orderings.values())))

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: "Enter a whole number from 1."})
        return min(size, self.max_page_size)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: "Invalid cursor."}) from exc
        if cursor is None or cursor.position is None:
            return cursor
        parse = POSITION_PARSERS.get(self.ordering[0].lstrip("-"), _text_position)
        try:
            parse(cursor.position)
        except ValueError as exc:
            raise ValidationError({self.cursor_query_param: "Invalid cursor."}) from exc
        return cursor
