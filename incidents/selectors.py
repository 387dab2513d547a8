"""Read paths of the public catalog pages.

Each selector returns everything its page needs in a fixed number of queries, however many
reports, entities or classifications an incident has (prefetching, never a query per row).
Which taxonomies, fields and classifications a visitor may see is decided in
`incidents.visibility`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from incidents.citations import Citation, citation_for
from incidents.facets import classification_facets
from incidents.models import (
    Classification,
    ClassificationValue,
    DisplayType,
    Entity,
    EntityRole,
    Incident,
    IncidentEntity,
    IncidentLink,
    IncidentLinkKind,
    IncidentRedirect,
    Report,
    ReportKind,
    Taxonomy,
    TaxonomyField,
)
from incidents.visibility import (
    Viewer,
    classification_access,
    visible_classifications,
    visible_fields,
    visible_taxonomies,
)

# A chain of merges longer than this is a data error (or a loop); stop following it.
MAX_REDIRECT_HOPS = 20
LINKED_DISPLAY_TYPES = frozenset(
    {DisplayType.ENUM, DisplayType.MULTI, DisplayType.BOOL, DisplayType.LIST}
)


# --- Redirects -------------------------------------------------------------------------------


def incident_redirect_target(incident_id: int) -> int | None:
    """Where a merged id now points, following chains of merges; None if it was not merged.

    A merged duplicate may keep its own row, so a redirect wins over a row with the same id.
    """
    seen = {incident_id}
    current = incident_id
    for _ in range(MAX_REDIRECT_HOPS):
        target = (
            IncidentRedirect.objects.filter(old_id=current)
            .values_list("target_id", flat=True)
            .first()
        )
        if target is None or target in seen:
            break
        seen.add(target)
        current = target
    return current if current != incident_id else None


def resolve_incident_id(incident_id: int) -> int | None:
    """The id that `incident_id` answers as, following merges; None if no such incident."""
    target = incident_redirect_target(incident_id)
    if target is not None:
        return target
    return incident_id if Incident.objects.filter(pk=incident_id).exists() else None


# The slug a slug answers as: the end of its chain of entity merges, stopping at a loop.
# One statement, so the incident filters can use it as a subquery at no extra query.
_CURRENT_ENTITY_SLUG_SQL = f"""(
WITH RECURSIVE chain(slug, hops) AS (
    SELECT %s::varchar, 0
    UNION ALL
    SELECT e.slug, chain.hops + 1 FROM chain
    JOIN incidents_entityredirect r ON r.old_slug = chain.slug
    JOIN incidents_entity e ON e.id = r.target_id
    WHERE chain.hops < {MAX_REDIRECT_HOPS}
) CYCLE slug SET looped USING path
SELECT slug FROM chain WHERE NOT looped ORDER BY hops DESC LIMIT 1)"""  # noqa: S608


def current_entity_slug(slug: str) -> RawSQL:
    """An expression: `slug`, or the entity a merged entity's old slug now points to."""
    # Only the constant hop limit is formatted in; the slug is a bound parameter.
    return RawSQL(_CURRENT_ENTITY_SLUG_SQL, [slug], output_field=CharField())  # noqa: S611


def entity_redirect_target(slug: str) -> str | None:
    """Where a merged entity slug now points, following chains; None if it was not merged."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_CURRENT_ENTITY_SLUG_SQL}", [slug])  # noqa: S608
        (current,) = cursor.fetchone()
    return current if current != slug else None


# --- Incident page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueAtom:
    text: str
    facet: str  # "" when the value is not a filterable facet


@dataclass(frozen=True)
class ClassificationRow:
    field: TaxonomyField
    atoms: list[ValueAtom]


@dataclass(frozen=True)
class ClassificationBlock:
    taxonomy: Taxonomy
    published: bool
    rows: list[ClassificationRow]


@dataclass(frozen=True)
class TimelineMonth:
    month: datetime.date  # first day of the month
    reports: list[Report]


@dataclass(frozen=True)
class IncidentPage:
    incident: Incident
    reports: list[Report]  # oldest first, undated last
    entities_by_role: list[tuple[str, list[Entity]]]
    classifications: list[ClassificationBlock]
    similar: list[Incident]
    dissimilar: list[Incident]
    timeline: list[TimelineMonth]
    citation: Citation
    report_kinds: dict[str, int] = field(default_factory=dict)


def _value_atoms(namespace: str, tax_field: TaxonomyField, value: Any) -> list[ValueAtom]:
    facets = classification_facets(namespace, {tax_field.short_name: value})
    linked = tax_field.display_type in LINKED_DISPLAY_TYPES or tax_field.instant_facet
    if facets:
        prefix = f"{namespace}:{tax_field.short_name}:"
        return [ValueAtom(text=f[len(prefix) :], facet=f if linked else "") for f in facets]
    if value in (None, "", [], {}):
        return []
    # Objects and lists of objects: shown as their JSON text, never as a filter.
    return [ValueAtom(text=str(value), facet="")]


def _classification_blocks(
    classifications: list[Classification], namespace_order: dict[int, int]
) -> list[ClassificationBlock]:
    blocks = []
    for classification in sorted(
        classifications, key=lambda c: (namespace_order.get(c.taxonomy_id, 0), c.taxonomy_id)
    ):
        namespace = classification.taxonomy.namespace
        values = sorted(classification.values.all(), key=lambda v: (v.field.weight, v.field.pk))
        rows = [
            ClassificationRow(field=v.field, atoms=atoms)
            for v in values
            if (atoms := _value_atoms(namespace, v.field, v.value))
        ]
        if rows:
            blocks.append(
                ClassificationBlock(
                    taxonomy=classification.taxonomy,
                    published=classification.publish,
                    rows=rows,
                )
            )
    return blocks


def _timeline(reports: list[Report]) -> list[TimelineMonth]:
    months: dict[datetime.date, list[Report]] = defaultdict(list)
    for report in reports:
        if report.date_published is not None:
            months[report.date_published.replace(day=1)].append(report)
    return [TimelineMonth(month=m, reports=months[m]) for m in sorted(months)]


def _report_sort_key(report: Report) -> tuple[bool, datetime.date, int]:
    return (
        report.date_published is None,
        report.date_published or datetime.date.min,
        report.number,
    )


def incident_detail(*, incident_id: int, viewer: Viewer = None) -> IncidentPage | None:
    """Everything the incident page shows, in six queries whatever the number of reports.

    Returns None when no incident has this id (redirects are resolved by the caller first).
    """
    access = classification_access(viewer)
    incident = (
        Incident.objects.defer("search_vector")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.defer("text", "search_vector", "editor_notes"),
            ),
            Prefetch(
                "entity_links",
                queryset=IncidentEntity.objects.select_related("entity").order_by("entity__name"),
            ),
            Prefetch(
                "classifications",
                queryset=visible_classifications(access)
                .select_related("taxonomy")
                .prefetch_related(
                    Prefetch(
                        "values",
                        queryset=ClassificationValue.objects.filter(
                            field__in=visible_fields(access)
                        ).select_related("field"),
                    )
                ),
            ),
            Prefetch(
                "links_from",
                queryset=IncidentLink.objects.select_related("other").only(
                    "incident_id",
                    "kind",
                    "other__id",
                    "other__title",
                    "other__date",
                    "other__date_precision",
                ),
            ),
        )
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return None
    reports = sorted(incident.reports.all(), key=_report_sort_key)
    by_role: dict[str, list[Entity]] = defaultdict(list)
    for link in incident.entity_links.all():
        by_role[link.role].append(link.entity)
    links = list(incident.links_from.all())
    kinds: dict[str, int] = defaultdict(int)
    for report in reports:
        kinds[report.kind] += 1
    classifications = list(incident.classifications.all())
    return IncidentPage(
        incident=incident,
        reports=reports,
        entities_by_role=[
            (role.label, by_role[role.value]) for role in EntityRole if by_role[role.value]
        ],
        classifications=_classification_blocks(
            classifications, {c.taxonomy_id: c.taxonomy.weight for c in classifications}
        ),
        similar=[lk.other for lk in links if lk.kind == IncidentLinkKind.SIMILAR],
        dissimilar=[lk.other for lk in links if lk.kind == IncidentLinkKind.DISSIMILAR],
        timeline=_timeline(reports),
        citation=citation_for(incident=incident, reports=reports),
        report_kinds={ReportKind(k).label: n for k, n in kinds.items()},
    )


def incident_for_citation(*, incident_id: int) -> Citation | None:
    incident = (
        Incident.objects.only("id", "title", "date", "date_precision", "editors", "source")
        .prefetch_related(
            Prefetch(
                "reports", queryset=Report.objects.only("number", "submitters", "date_submitted")
            )
        )
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return None
    return citation_for(incident=incident, reports=incident.reports.all())


# --- Incident list ---------------------------------------------------------------------------


class IncidentSort:
    NEWEST = "newest"
    OLDEST = "oldest"
    ID = "id"
    MOST_REPORTS = "reports"
    CHOICES = [
        (NEWEST, "Newest first"),
        (OLDEST, "Oldest first"),
        (ID, "Incident number"),
        (MOST_REPORTS, "Most reports"),
    ]


@dataclass(frozen=True)
class IncidentFilters:
    year: int | None = None
    entity: str = ""
    taxonomy: str = ""  # a facet, "Namespace:field:value"
    kind: str = ""  # a ReportKind value
    sort: str = IncidentSort.NEWEST

    def filterset_data(self) -> dict[str, Any]:
        """The page's filters as the parameters of `IncidentFilterSet` (the API's names)."""
        data: dict[str, Any] = {}
        if self.year is not None:
            data["date_after"] = f"{self.year:04d}-01-01"
            data["date_before"] = f"{self.year:04d}-12-31"
        if self.entity:
            data["entity"] = self.entity
        if self.taxonomy:
            data["classification"] = [self.taxonomy]
        if self.kind:
            data["report_kind"] = self.kind
        return data


def incidents_list(*, filtered: QuerySet[Incident], sort: str) -> QuerySet[Incident]:
    """`filtered` (incidents already through `IncidentFilterSet`) sorted, each with
    `report_count` and its entity links prefetched: a page of it costs the same few queries
    whatever the page size."""
    qs = filtered.defer("search_vector", "editor_notes").annotate(
        report_count=Count("reports", distinct=True)
    )
    order = {
        IncidentSort.NEWEST: [F("date").desc(nulls_last=True), "-id"],
        IncidentSort.OLDEST: [F("date").asc(nulls_last=True), "id"],
        IncidentSort.ID: ["id"],
        IncidentSort.MOST_REPORTS: ["-report_count", "-id"],
    }.get(sort, [F("date").desc(nulls_last=True), "-id"])
    return qs.order_by(*order).prefetch_related(
        Prefetch(
            "entity_links",
            queryset=IncidentEntity.objects.filter(
                role__in=[EntityRole.DEPLOYER, EntityRole.DEVELOPER]
            )
            .select_related("entity")
            .order_by("role", "entity__name"),
        )
    )


def incident_years() -> list[int]:
    return [
        d.year
        for d in Incident.objects.filter(date__isnull=False).dates("date", "year", order="DESC")
    ]


# --- Home ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePage:
    latest_incidents: list[Incident]
    latest_reports: list[Report]
    incident_count: int
    report_count: int
    entity_count: int


def home_page(*, limit: int = 8) -> HomePage:
    return HomePage(
        latest_incidents=list(
            Incident.objects.defer("search_vector", "description", "editor_notes")
            .annotate(report_count=Count("reports"))
            .order_by("-created_at", "-id")[:limit]
        ),
        latest_reports=list(
            Report.objects.defer("text", "search_vector", "editor_notes").order_by(
                F("date_published").desc(nulls_last=True), "-number"
            )[:limit]
        ),
        incident_count=Incident.objects.count(),
        report_count=Report.objects.count(),
        entity_count=Entity.objects.count(),
    )


# --- Reports ---------------------------------------------------------------------------------


def report_detail(*, number: int) -> Report | None:
    return (
        Report.objects.defer("search_vector")
        .prefetch_related(
            Prefetch(
                "incidents",
                queryset=Incident.objects.only("id", "title", "date", "date_precision"),
            )
        )
        .filter(pk=number)
        .first()
    )


# --- Entities --------------------------------------------------------------------------------


def entities_list(*, name_contains: str = "") -> QuerySet[Entity]:
    qs = Entity.objects.annotate(incident_count=Count("incident_links__incident", distinct=True))
    if name_contains:
        qs = qs.filter(Q(name__icontains=name_contains) | Q(slug__icontains=name_contains))
    return qs.order_by("-incident_count", "name")


@dataclass(frozen=True)
class EntityPage:
    entity: Entity
    incidents_by_role: list[tuple[str, list[Incident]]]
    incident_count: int


def entity_detail(*, slug: str) -> EntityPage | None:
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        return None
    by_role: dict[str, list[Incident]] = defaultdict(list)
    incident_ids: set[int] = set()
    links = (
        IncidentEntity.objects.filter(entity=entity)
        .select_related("incident")
        .only(
            "role", "incident__id", "incident__title", "incident__date", "incident__date_precision"
        )
        .order_by(F("incident__date").desc(nulls_last=True), "-incident__id")
    )
    for link in links:
        by_role[link.role].append(link.incident)
        incident_ids.add(link.incident_id)
    return EntityPage(
        entity=entity,
        incidents_by_role=[
            (role.label, by_role[role.value]) for role in EntityRole if by_role[role.value]
        ],
        incident_count=len(incident_ids),
    )


# --- Taxonomies ------------------------------------------------------------------------------


def taxonomies_list(*, viewer: Viewer = None) -> QuerySet[Taxonomy]:
    access = classification_access(viewer)
    return (
        visible_taxonomies(access)
        .annotate(
            field_count=Count("fields", filter=Q(fields__in=visible_fields(access)), distinct=True),
            incident_count=Count(
                "classifications__incident",
                filter=Q(classifications__in=visible_classifications(access)),
                distinct=True,
            ),
        )
        .order_by("weight", "namespace")
    )


@dataclass(frozen=True)
class ValueCount:
    value: str
    facet: str
    incident_count: int


@dataclass(frozen=True)
class FieldSummary:
    field: TaxonomyField
    values: list[ValueCount]


@dataclass(frozen=True)
class TaxonomyPage:
    taxonomy: Taxonomy
    fields: list[FieldSummary]


FACET_COUNTS_SQL = """
SELECT facet, COUNT(DISTINCT c.incident_id)
FROM incidents_classification c CROSS JOIN LATERAL unnest(c.facets) AS facet
WHERE c.taxonomy_id = %s AND c.incident_id IS NOT NULL AND (c.publish OR %s)
GROUP BY facet
"""
# Fields without permitted values (free text, lists) show their most used values.
TOP_VALUES_PER_FIELD = 15


def taxonomy_detail(*, namespace: str, viewer: Viewer = None) -> TaxonomyPage | None:
    """A taxonomy's visible fields, each permitted value with the number of incidents
    classified with it (one aggregate query over the facet arrays)."""
    access = classification_access(viewer)
    taxonomy = visible_taxonomies(access).filter(namespace=namespace).first()
    if taxonomy is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(FACET_COUNTS_SQL, [taxonomy.pk, access.unpublished])
        counts = dict(cursor.fetchall())
    summaries = []
    for tax_field in visible_fields(access).filter(taxonomy=taxonomy).order_by("weight", "id"):
        prefix = f"{taxonomy.namespace}:{tax_field.short_name}:"
        permitted = [str(v) for v in tax_field.permitted_values or [] if not isinstance(v, dict)]
        if permitted:
            values = [ValueCount(v, prefix + v, counts.get(prefix + v, 0)) for v in permitted]
        else:
            used = sorted(
                ((f, n) for f, n in counts.items() if f.startswith(prefix)),
                key=lambda item: (-item[1], item[0]),
            )[:TOP_VALUES_PER_FIELD]
            values = [ValueCount(f[len(prefix) :], f, n) for f, n in used]
        summaries.append(FieldSummary(field=tax_field, values=values))
    return TaxonomyPage(taxonomy=taxonomy, fields=summaries)


# --- Feeds -----------------------------------------------------------------------------------


def latest_incidents(*, limit: int) -> list[Incident]:
    return list(
        Incident.objects.defer("search_vector", "editor_notes").order_by("-created_at", "-id")[
            :limit
        ]
    )


def latest_reports(*, limit: int) -> list[Report]:
    return list(
        Report.objects.defer("search_vector", "editor_notes").order_by("-created_at", "-number")[
            :limit
        ]
    )
