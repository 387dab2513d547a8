"""Read paths of the public catalog pages.

Each selector returns everything its page needs in a fixed number of queries, however many
reports, entities or classifications an incident has (prefetching, never a query per row).
Which taxonomies, fields and classifications a visitor may see is decided in
`incidents.visibility`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr

from incidents.charts import Timeline, report_timeline
from incidents.citations import Citation, citation_for
from incidents.facets import classification_facets, facet_counts_under
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
from incidents.rendering import plain_text
from incidents.visibility import (
    Viewer,
    classification_access,
    visible_classifications,
    visible_fields,
    visible_taxonomies,
)
from registry.cache import memoize
from registry.models import AuditEvent

# A chain of merges longer than this is a data error (or a loop); stop following it.
MAX_REDIRECT_HOPS = 20
SUMMARY_ROWS = 3
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


@dataclass(frozen=True)
class FormerSlug:
    slug: str
    renamed: bool  # True: an editor renamed the entity; False: it was merged into another


def entity_former_slug(*, old_slug: str) -> FormerSlug:
    """How an old slug came to redirect: a rename (audited by `entity_rename`) or a merge."""
    renamed = AuditEvent.objects.filter(
        subject_type=Entity._meta.label_lower,
        action="renamed",
        data__changes__slug__from=old_slug,
    ).exists()
    return FormerSlug(slug=old_slug, renamed=renamed)


def resolve_entity_slug(slug: str) -> str | None:
    """The slug that `slug` answers as, following entity merges; None if unknown."""
    target = entity_redirect_target(slug)
    if target is not None:
        return target
    return slug if Entity.objects.filter(slug=slug).exists() else None


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

    @property
    def summary(self) -> list[ClassificationRow]:
        """The few rows the collapsed panel shows: filterable values first (short and
        categorical), in field order."""
        linked = [row for row in self.rows if row.atoms[0].facet]
        return (linked or self.rows)[:SUMMARY_ROWS]


@dataclass(frozen=True)
class IncidentPage:
    incident: Incident
    reports: list[Report]  # every report, light columns only: oldest first, undated last
    reports_page: Page  # the page of reports shown, each with `excerpt`
    entities_by_role: list[tuple[str, list[Entity]]]
    classifications: list[ClassificationBlock]
    similar: list[Incident]
    dissimilar: list[Incident]
    timeline: Timeline | None
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


def _report_sort_key(report: Report) -> tuple[bool, datetime.date, int]:
    return (
        report.date_published is None,
        report.date_published or datetime.date.min,
        report.number,
    )


REPORTS_PER_PAGE = 20
EXCERPT_CHARS = 200
# Enough Markdown to yield an excerpt once links and markup are gone.
EXCERPT_SOURCE_CHARS = 1200
# What the page needs of every report (the list, the timeline, the citation); text is read
# only for the page shown.
REPORT_SUMMARY_COLUMNS = (
    "number", "title", "source_domain", "authors", "submitters", "date_published",
    "date_submitted", "kind", "flagged",
)  # fmt: skip


def report_excerpt(*, description: str, text_start: str) -> str:
    """A plain-text excerpt: the report's description, else the start of its text, cut at a
    word boundary."""
    plain = description.strip() or plain_text(text_start)
    plain = " ".join(plain.split())
    if len(plain) <= EXCERPT_CHARS:
        return plain
    return plain[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def incident_detail(
    *, incident_id: int, viewer: Viewer = None, reports_page: object = 1
) -> IncidentPage | None:
    """Everything the incident page shows, in seven queries whatever the number of reports:
    the incident, its reports (summary columns), entity roles, visible classifications and
    curated links, then the text excerpts of the page of reports shown.

    Returns None when no incident has this id (redirects are resolved by the caller first).
    """
    access = classification_access(viewer)
    incident = (
        Incident.objects.defer("search_vector")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.only(*REPORT_SUMMARY_COLUMNS)),
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
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(reports_page)
    _attach_excerpts(list(page.object_list))
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
        reports_page=page,
        entities_by_role=[
            (role.label, by_role[role.value]) for role in EntityRole if by_role[role.value]
        ],
        classifications=_classification_blocks(
            classifications, {c.taxonomy_id: c.taxonomy.weight for c in classifications}
        ),
        similar=[lk.other for lk in links if lk.kind == IncidentLinkKind.SIMILAR],
        dissimilar=[lk.other for lk in links if lk.kind == IncidentLinkKind.DISSIMILAR],
        timeline=report_timeline(r.date_published for r in reports),
        citation=citation_for(incident=incident, reports=reports),
        report_kinds={ReportKind(k).label: n for k, n in kinds.items()},
    )


def _attach_excerpts(reports: list[Report]) -> None:
    # One query for the page, even when it is empty, so the page's query count is constant.
    texts = dict(
        (number, (description, text_start))
        for number, description, text_start in Report.objects.filter(
            number__in=[r.number for r in reports] or [0]
        )
        .annotate(text_start=Substr("text", 1, EXCERPT_SOURCE_CHARS))
        .values_list("number", "description", "text_start")
    )
    for report in reports:
        description, text_start = texts.get(report.number, ("", ""))
        report.excerpt = report_excerpt(description=description, text_start=text_start)


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
    ADDED = "added"
    ID = "id"
    MOST_REPORTS = "reports"
    CHOICES = [
        (NEWEST, "Newest incident date first"),
        (OLDEST, "Oldest incident date first"),
        (ADDED, "Recently added first"),
        (ID, "Incident number"),
        (MOST_REPORTS, "Most reports"),
    ]


@dataclass(frozen=True)
class IncidentFilters:
    year: int | None = None
    entity: str = ""  # a slug, resolved through merges (see `incidents.browse.entity_lookup`)
    taxonomy: tuple[str, ...] = ()  # facets, "Namespace:field:value"; all must match
    kind: str = ""  # a ReportKind value
    sort: str = IncidentSort.NEWEST
    q: str = ""  # keywords, matched against titles and descriptions

    @property
    def active(self) -> bool:
        return bool(self.year or self.entity or self.taxonomy or self.kind or self.q)

    def filterset_data(self) -> dict[str, Any]:
        """The page's filters as the parameters of `IncidentFilterSet` (the API's names)."""
        data: dict[str, Any] = {}
        if self.year is not None:
            data["date_after"] = f"{self.year:04d}-01-01"
            data["date_before"] = f"{self.year:04d}-12-31"
        if self.entity:
            data["entity"] = self.entity
        if self.taxonomy:
            data["classification"] = list(self.taxonomy)
        if self.kind:
            data["report_kind"] = self.kind
        return data


def incidents_list(*, filtered: QuerySet[Incident], sort: str, q: str = "") -> QuerySet[Incident]:
    """`filtered` (incidents already through `IncidentFilterSet`) matching the keywords `q`
    (title and description), sorted, each with `report_count` and its entity links
    prefetched: a page of it costs the same few queries whatever the page size."""
    qs = filtered.defer("search_vector", "editor_notes")
    if q:
        query = SearchQuery(q, config="registry_english", search_type="websearch")
        qs = qs.filter(Q(search_vector=query) | Q(title__icontains=q))
    if sort == IncidentSort.MOST_REPORTS:
        qs = qs.annotate(report_count=Count("reports", distinct=True))
    else:
        qs = qs.annotate(report_count=_reports_of_incident())
    order = {
        IncidentSort.NEWEST: [F("date").desc(nulls_last=True), "-id"],
        IncidentSort.OLDEST: [F("date").asc(nulls_last=True), "id"],
        IncidentSort.ADDED: ["-created_at", "-id"],
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
            .only("incident", "role", "entity__name")  # a list row shows the names only
            .order_by("role", "entity__name"),
        )
    )


def _reports_of_incident() -> _SubqueryCount:
    """An incident's report count as a correlated subquery, which PostgreSQL evaluates for the
    rows shown only (after the sort and LIMIT), where a GROUP BY counts every incident's."""
    return _SubqueryCount(
        Report.incidents.through.objects.filter(incident_id=OuterRef("pk")).values("id")
    )


def incidents_count(incidents: QuerySet[Incident], *key: object) -> int:
    """How many incidents a list holds (its unused annotations are left out of the count),
    remembered until the next write under `key` (the filters and the viewer's access)."""
    return memoize("incidents_count", incidents.count, *key)


def incident_years() -> list[int]:
    """The years with incidents, newest first (remembered until the next write)."""
    return memoize(
        "incident_years",
        lambda: [
            d.year
            for d in Incident.objects.filter(date__isnull=False).dates("date", "year", order="DESC")
        ],
    )


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
            .annotate(report_count=_reports_of_incident())
            .order_by("-created_at", "-id")[:limit]
        ),
        latest_reports=list(
            Report.objects.defer("text", "search_vector", "editor_notes").order_by(
                F("date_published").desc(nulls_last=True), "-number"
            )[:limit]
        ),
        **memoize("home_counts", _catalog_counts),
    )


def _catalog_counts() -> dict[str, int]:
    return {
        "incident_count": Incident.objects.count(),
        "report_count": Report.objects.count(),
        "entity_count": Entity.objects.count(),
    }


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


class RankedEntities(Sequence[Entity]):
    """Entities in the order of a remembered ranking, each with its `incident_count`; a slice
    (a page) reads its entities by id, in one query."""

    def __init__(self, ranking: list[tuple[int, int]]) -> None:
        self._ranking = ranking

    def __len__(self) -> int:
        return len(self._ranking)

    @overload
    def __getitem__(self, index: int) -> Entity: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entity]: ...
    def __getitem__(self, index: int | slice) -> Entity | list[Entity]:
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        rows = self._ranking[index]
        found = Entity.objects.in_bulk([pk for pk, _ in rows])
        entities = []
        for pk, count in rows:
            entity = found.get(pk)
            if entity is not None:  # deleted since the ranking was remembered
                entity.incident_count = count
                entities.append(entity)
        return entities


def entities_list(*, name_contains: str = "") -> RankedEntities:
    """Every entity (named like `name_contains`), the most named first. The ranking counts
    every entity's incidents, so it is remembered until the next write."""

    def ranking() -> list[tuple[int, int]]:
        qs = _entities_named(
            Entity.objects.annotate(
                incident_count=Count("incident_links__incident", distinct=True)
            ),
            name_contains,
        )
        return list(qs.order_by("-incident_count", "name").values_list("pk", "incident_count"))

    return RankedEntities(memoize("entities_ranking", ranking, name_contains))


def entities_count(*, name_contains: str = "") -> int:
    """How many entities `entities_list` holds (no GROUP BY; remembered until the next write)."""
    return memoize(
        "entities_count",
        lambda: _entities_named(Entity.objects.all(), name_contains).count(),
        name_contains,
    )


def _entities_named(qs: QuerySet[Entity], name_contains: str) -> QuerySet[Entity]:
    if name_contains:
        qs = qs.filter(Q(name__icontains=name_contains) | Q(slug__icontains=name_contains))
    return qs


@dataclass(frozen=True)
class IncidentSummary:
    """What a row of an incident list shows, read without building a model instance: the
    largest entities are named in a thousand incidents or more."""

    id: int
    title: str
    date: datetime.date | None
    date_precision: str

    def get_absolute_url(self) -> str:
        return Incident.get_absolute_url(self)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EntityPage:
    entity: Entity
    incidents_by_role: list[tuple[str, list[IncidentSummary]]]
    incident_count: int


def entity_detail(*, slug: str) -> EntityPage | None:
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        return None
    by_role: dict[str, list[IncidentSummary]] = defaultdict(list)
    incident_ids: set[int] = set()
    links = (
        IncidentEntity.objects.filter(entity=entity)
        .order_by(F("incident__date").desc(nulls_last=True), "-incident__id")
        .values_list(
            "role", "incident_id", "incident__title", "incident__date", "incident__date_precision"
        )
    )
    for role, incident_id, title, date, precision in links:
        by_role[role].append(IncidentSummary(incident_id, title, date, precision))
        incident_ids.add(incident_id)
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
    qs = visible_taxonomies(access)
    # One subquery per count: joining fields and classifications in one GROUP BY multiplies
    # the rows (fields x classifications) before counting them.
    return qs.annotate(
        field_count=_count_of(visible_fields(access).filter(taxonomy=OuterRef("pk")), "id"),
        incident_count=_count_of(
            visible_classifications(access).filter(taxonomy=OuterRef("pk"), incident__isnull=False),
            "incident_id",
            distinct=True,
        ),
    ).order_by("weight", "namespace")


class _SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery's rows."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _count_of(qs: QuerySet, column: str, *, distinct: bool = False) -> _SubqueryCount:
    rows = qs.order_by().values(column)
    return _SubqueryCount(rows.distinct() if distinct else rows)


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
        sorted_counts = sorted(cursor.fetchall())
    counts = dict(sorted_counts)
    summaries = []
    for tax_field in visible_fields(access).filter(taxonomy=taxonomy).order_by("weight", "id"):
        prefix = f"{taxonomy.namespace}:{tax_field.short_name}:"
        permitted = [str(v) for v in tax_field.permitted_values or [] if not isinstance(v, dict)]
        if permitted:
            values = [ValueCount(v, prefix + v, counts.get(prefix + v, 0)) for v in permitted]
        else:
            used = sorted(
                facet_counts_under(sorted_counts, prefix), key=lambda item: (-item[1], item[0])
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
