"""The default page-number pagination of API lists that have no cursor pagination of their own."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's, except that an unusable `page` (not a positive whole number, or past the last
    page) is a 400 naming the parameter, where DRF answers 404 "Invalid page."."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        raw = request.query_params.get(self.page_query_param)
        usable = (
            raw is None
            or raw in self.last_page_strings
            or (raw.isascii() and raw.isdigit() and int(raw) > 0)
        )
        if not usable:
            raise exceptions.ValidationError({"page": ["Must be a positive whole number."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({"page": [str(exc.detail)]}) from exc
