"""Filters of the catalog (django-filter). Every malformed value is a 400 naming its
parameter; filters over related rows use `EXISTS` subqueries so results never repeat.

`IncidentFilterSet` is the one incident filter: the API's incident list and the incident list
page (`incidents.views.filters`, which maps its query string onto it) both run it, so both
follow merged entities' old slugs and check taxonomy values against the same visibility rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from incidents.models import (
    Classification,
    Entity,
    EntityRole,
    Incident,
    IncidentEntity,
    Report,
    ReportKind,
    Taxonomy,
)
from incidents.selectors import current_entity_slug
from incidents.visibility import (
    PUBLIC,
    ClassificationAccess,
    facet_is_visible,
    has_visible_facet,
    visible_classifications,
)
from registry.api_filters import described, modified_since_filter
from registry.ids import MAX_ID

ReportIncidents = Report.incidents.through
FACET_HELP = (
    "A taxonomy value as `Namespace:field:value`, e.g. `MIT:Risk Domain:1. Discrimination and "
    "Toxicity`. Repeat the parameter to require several values (all must match)."
)


class FacetField(forms.Field):
    """Any number of `Namespace:field:value` strings, each naming a taxonomy field the reader
    may see (`access`; the public's unless a page says otherwise)."""

    widget = forms.MultipleHiddenInput
    max_values = 20

    def __init__(self, *, access: ClassificationAccess = PUBLIC, **kwargs: Any) -> None:
        self.access = access
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        if len(values) > self.max_values:
            raise forms.ValidationError(f"At most {self.max_values} values.")
        return values

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for facet in value:
            self._validate_facet(facet)

    def _validate_facet(self, facet: str) -> None:
        if "\x00" in facet:
            raise forms.ValidationError("Null characters are not allowed.")
        if not facet_is_visible(facet, self.access):
            raise forms.ValidationError(
                "%(facet)r is not `Namespace:field:value` for a public taxonomy field.",
                params={"facet": facet},
            )


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": FACET_HELP})
class FacetFilter(django_filters.Filter):
    """Keeps rows matching every given facet; `match(facet, access)` builds the condition for
    one."""

    field_class = FacetField

    def __init__(
        self, *, match: Callable[[str, ClassificationAccess], Q | Exists], **kwargs: Any
    ) -> None:
        self.match = match
        kwargs.setdefault("help_text", FACET_HELP)
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        access = self.extra.get("access", PUBLIC)
        for facet in value or []:
            qs = qs.filter(self.match(facet, access))
        return qs


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """A positive integer id (incident id, report number)."""

    field_class = IdField


def id_filter(**kwargs: Any) -> IdFilter:
    return described(IdFilter, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, **kwargs)


def _ordering_filter(choices: list[tuple[str, str]]) -> django_filters.ChoiceFilter:
    # Cursor pagination applies the ordering; the filter only validates and documents it.
    return django_filters.ChoiceFilter(
        choices=choices, method="keep_queryset", help_text="Sort order of the results."
    )


class RegistryFilterSet(django_filters.FilterSet):
    """`access`: which taxonomy values the reader may filter by (the public's by default; the
    API always reads as the public)."""

    def __init__(self, *args: Any, access: ClassificationAccess = PUBLIC, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, FacetFilter):
                filter_.extra["access"] = access
                filter_.__dict__.pop("_field", None)  # a field built for another reader

    def keep_queryset(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset


def _incident_entity(role: str | None, help_text: str) -> django_filters.CharFilter:
    def filter_method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = IncidentEntity.objects.filter(
            incident=OuterRef("pk"), entity__slug=current_entity_slug(value)
        )
        if role:
            links = links.filter(role=role)
        return queryset.filter(Exists(links))

    return django_filters.CharFilter(method=filter_method, help_text=help_text)


class IncidentFilterSet(RegistryFilterSet):
    date_after = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text="Incident date on or after (YYYY-MM-DD)."
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text="Incident date on or before (YYYY-MM-DD)."
    )
    modified_since = modified_since_filter()
    entity = _incident_entity(None, "Entity slug in any role.")
    deployer = _incident_entity(EntityRole.DEPLOYER, "Entity slug: alleged deployer.")
    developer = _incident_entity(EntityRole.DEVELOPER, "Entity slug: alleged developer.")
    harmed = _incident_entity(EntityRole.HARMED, "Entity slug: alleged harmed party.")
    implicated_system = _incident_entity(
        EntityRole.IMPLICATED_SYSTEM, "Entity slug: implicated AI system."
    )
    classification = FacetFilter(
        match=lambda facet, access: has_visible_facet(
            subject="incident", facet=facet, access=access
        )
    )
    language = django_filters.CharFilter(
        method="has_report_with", help_text="Has a report in this language (ISO code)."
    )
    source_domain = django_filters.CharFilter(
        method="has_report_with", help_text="Has a report from this domain, e.g. nytimes.com."
    )
    report_kind = django_filters.ChoiceFilter(
        choices=ReportKind.choices, method="has_report_with", help_text="Has a report of this kind."
    )
    ordering = _ordering_filter(
        [
            ("-id", "newest id first"),
            ("id", "oldest id first"),
            ("-date", "latest date first"),
            ("date", "earliest date first"),
        ]
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def has_report_with(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        column = {"report_kind": "kind"}.get(name, name)
        links = ReportIncidents.objects.filter(
            incident=OuterRef("pk"), **{f"report__{column}": value}
        )
        return queryset.filter(Exists(links))


def report_has_facet(facet: str, access: ClassificationAccess) -> Q:
    """A report matches a taxonomy value through its own classification or an incident's."""
    incident_match = ReportIncidents.objects.filter(
        report=OuterRef("pk"),
        incident__classifications__in=visible_classifications(access).filter(
            facets__contains=[facet]
        ),
    )
    return Q(has_visible_facet(subject="report", facet=facet, access=access)) | Q(
        Exists(incident_match)
    )


class ReportFilterSet(RegistryFilterSet):
    date_after = django_filters.DateFilter(
        field_name="date_published",
        lookup_expr="gte",
        help_text="Published on or after (YYYY-MM-DD).",
    )
    date_before = django_filters.DateFilter(
        field_name="date_published",
        lookup_expr="lte",
        help_text="Published on or before (YYYY-MM-DD).",
    )
    # Deprecated aliases (see docs/api-changelog.md): answered with Deprecation/Sunset headers.
    date_published_after = django_filters.DateFilter(
        field_name="date_published",
        lookup_expr="gte",
        help_text="Deprecated alias of `date_after`.",
    )
    date_published_before = django_filters.DateFilter(
        field_name="date_published",
        lookup_expr="lte",
        help_text="Deprecated alias of `date_before`.",
    )
    modified_since = modified_since_filter()
    incident = id_filter(method="in_incident", help_text="Belongs to this incident id.")
    entity = django_filters.CharFilter(
        method="names_entity", help_text="Belongs to an incident naming this entity slug."
    )
    language = django_filters.CharFilter(help_text="Language (ISO code), e.g. en.")
    source_domain = django_filters.CharFilter(help_text="Source domain, e.g. nytimes.com.")
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, help_text="Report kind.")
    flagged = django_filters.BooleanFilter(help_text="Flagged for review by editors.")
    classification = FacetFilter(match=report_has_facet)
    fields = django_filters.ChoiceFilter(
        choices=[("text", "text")],
        method="keep_queryset",
        help_text="`text`: include each report's full text (lists omit it by default), for "
        "syncing the texts in bulk; or download the dataset's reports.jsonl.",
    )
    ordering = _ordering_filter(
        [
            ("-number", "newest number first"),
            ("number", "oldest number first"),
            ("-date_published", "latest publication first"),
            ("date_published", "earliest publication first"),
        ]
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def in_incident(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        links = ReportIncidents.objects.filter(report=OuterRef("pk"), incident_id=value)
        return queryset.filter(Exists(links))

    def names_entity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = ReportIncidents.objects.filter(
            report=OuterRef("pk"),
            incident__entity_links__entity__slug=current_entity_slug(value),
        )
        return queryset.filter(Exists(links))


class EntityFilterSet(RegistryFilterSet):
    role = django_filters.ChoiceFilter(
        choices=EntityRole.choices,
        method="in_role",
        help_text="Named in some incident in this role.",
    )
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text="Name contains (case-insensitive)."
    )
    modified_since = modified_since_filter()
    ordering = _ordering_filter([("slug", "slug")])

    class Meta:
        model = Entity
        fields: list[str] = []

    def in_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Exists(IncidentEntity.objects.filter(entity=OuterRef("pk"), role=value))
        )


class ClassificationFilterSet(RegistryFilterSet):
    namespace = django_filters.CharFilter(
        field_name="taxonomy__namespace", help_text="Taxonomy namespace, e.g. MIT."
    )
    incident = id_filter(field_name="incident_id", help_text="Classification of this incident id.")
    report = id_filter(field_name="report_id", help_text="Classification of this report number.")
    facet = FacetFilter(match=lambda facet, access: Q(facets__contains=[facet]))
    modified_since = modified_since_filter()
    ordering = _ordering_filter([("id", "id")])

    class Meta:
        model = Classification
        fields: list[str] = []


class TaxonomyFilterSet(RegistryFilterSet):
    ordering = _ordering_filter([("namespace", "namespace")])

    class Meta:
        model = Taxonomy
        fields: list[str] = []
