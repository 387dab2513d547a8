"""Which incidents and entities were merged away, for clients that keep a copy in sync.

Merging is the only way an incident or an entity leaves the catalog (a duplicate is absorbed
by another record; no record is deleted otherwise), so these two lists are also the list of
every id that disappeared. `modified_since` on them reads the merge time: a client that syncs
with `modified_since=T` asks these lists with the same `T` to learn which ids to drop or
rewrite. Old ids keep answering 301 to the record that absorbed them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from incidents.api import csv_columns
from incidents.api.filters import RegistryFilterSet, _ordering_filter
from incidents.api.views import CatalogViewSet
from incidents.models import EntityRedirect, IncidentRedirect
from registry.api_csv import CsvColumn
from registry.api_filters import SyncDateTimeFilter, sync_datetime_filter


def _merged_since() -> SyncDateTimeFilter:
    return sync_datetime_filter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Merged at or after this instant (ISO 8601; offsets -12:00 to +14:00).",
    )


class IncidentMergeSerializer(serializers.ModelSerializer):
    old_id = serializers.IntegerField(help_text="The merged duplicate's id (now answers 301).")
    new_id = serializers.IntegerField(
        source="target_id", help_text="The incident that absorbed it."
    )
    merged_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = IncidentRedirect
        fields = ["old_id", "new_id", "merged_at"]


class EntityMergeSerializer(serializers.ModelSerializer):
    old_entity_id = serializers.CharField(
        source="old_slug", help_text="The merged duplicate's slug (now answers 301)."
    )
    new_entity_id = serializers.CharField(
        source="target.slug", help_text="The entity that absorbed it."
    )
    merged_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = EntityRedirect
        fields = ["old_entity_id", "new_entity_id", "merged_at"]


class IncidentMergeFilterSet(RegistryFilterSet):
    modified_since = _merged_since()
    ordering = _ordering_filter([("old_id", "old id")])

    class Meta:
        model = IncidentRedirect
        fields: list[str] = []


class EntityMergeFilterSet(RegistryFilterSet):
    modified_since = _merged_since()
    ordering = _ordering_filter([("old_entity_id", "old slug")])

    class Meta:
        model = EntityRedirect
        fields: list[str] = []


class MergeListMixin:
    def note_last_modified(self, records: Any) -> None:
        stamps = [record.created_at for record in records]
        self.last_modified = max(stamps) if stamps else None


class IncidentMergeViewSet(MergeListMixin, CatalogViewSet):
    """Merged incidents: old id -> the id that absorbed it, and when."""

    serializer_class = IncidentMergeSerializer
    filterset_class = IncidentMergeFilterSet
    orderings = {"old_id": ("old_id",)}
    csv_name = "merged-incidents"
    summaries = {"list": "Merged (removed) incident ids, with the id that absorbed each"}

    def get_queryset(self) -> QuerySet:
        return IncidentRedirect.objects.all()

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.incident_merge_columns()


class EntityMergeViewSet(MergeListMixin, CatalogViewSet):
    """Merged entities: old slug -> the slug that absorbed it, and when."""

    serializer_class = EntityMergeSerializer
    filterset_class = EntityMergeFilterSet
    orderings = {"old_entity_id": ("old_slug",)}
    csv_name = "merged-entities"
    summaries = {"list": "Merged (removed) entity slugs, with the slug that absorbed each"}

    def get_queryset(self) -> QuerySet:
        return EntityRedirect.objects.select_related("target")

    def csv_columns(self) -> list[CsvColumn]:
        return csv_columns.entity_merge_columns()
