"""Filters shared by every list of the API that is synced incrementally."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

# Real offsets run from -12:00 to +14:00; PostgreSQL refuses some larger ones with an error,
# so an impossible offset is the client's mistake (400), never a database error (500).
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


class SyncDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, checked and converted to UTC before any query is built."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError("The time zone offset must be between -12:00 and +14:00.")
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError("Enter an instant between the years 1 and 9999.") from None


def described(filter_class: type, schema: dict[str, Any], **kwargs: Any) -> Any:
    """An instance of `filter_class` documented by `schema` and its own `help_text`
    (drf-spectacular drops the help text of a filter whose schema is overridden)."""
    documented = {**schema, "description": kwargs.get("help_text", "")}
    subclass = type(filter_class.__name__, (filter_class,), {})
    return extend_schema_field(documented)(subclass)(**kwargs)


class SyncDateTimeFilter(django_filters.IsoDateTimeFilter):
    """`modified_since`: changed at or after this instant (ISO 8601, offset -12:00..+14:00)."""

    field_class = SyncDateTimeField


def sync_datetime_filter(**kwargs: Any) -> SyncDateTimeFilter:
    return described(SyncDateTimeFilter, {"type": "string", "format": "date-time"}, **kwargs)


def modified_since_filter() -> SyncDateTimeFilter:
    return sync_datetime_filter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text="Changed at or after this instant (ISO 8601, e.g. 2024-05-01T00:00:00Z; "
        "offsets from -12:00 to +14:00). The incremental-sync parameter.",
    )
