"""Read paths behind the incident list's filters: entities found by name, taxonomy facets.

Each is one or two queries, whatever the size of the catalog; the whole-catalog aggregates
(the facet counts, the entity ranking) are remembered until the next write.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from incidents.facets import facet_counts_under
from incidents.models import DisplayType, Entity, Incident, TaxonomyField
from incidents.selectors import entity_redirect_target
from incidents.visibility import (
    Viewer,
    classification_access,
    visible_classifications,
    visible_fields,
)
from registry.cache import memoize

ENTITY_SUGGESTIONS = 8
# The datalist offers the most named entities; the rest are found by the suggestions.
DATALIST_ENTITIES = 150
FACET_VALUES_SHOWN = 8
# Categorical fields only: free text and yes/no flags would bury the useful choices.
PANEL_DISPLAY_TYPES = (DisplayType.ENUM, DisplayType.MULTI, DisplayType.LIST)


def entity_lookup(text: str) -> Entity | None:
    """The entity a visitor means by `text`: a slug (merged slugs followed) or a name, in any
    case (`openai`, `OpenAI`, `Open AI` all find OpenAI when its slug is `openai`)."""
    text = text.strip()
    if not text:
        return None
    for candidate in dict.fromkeys([text, text.lower(), slugify(text)]):
        entity = Entity.objects.filter(slug=entity_redirect_target(candidate) or candidate).first()
        if entity is not None:
            return entity
    return Entity.objects.filter(name__iexact=text).order_by("pk").first()


def entity_suggestions(text: str, *, limit: int = ENTITY_SUGGESTIONS) -> list[Entity]:
    """Entities whose name or slug contains `text` (any case), the most named first."""
    text = text.strip()
    if not text:
        return []
    return list(
        Entity.objects.filter(Q(name__icontains=text) | Q(slug__icontains=slugify(text) or text))
        .annotate(incident_count=Count("incident_links__incident", distinct=True))
        .order_by("-incident_count", "name")[:limit]
    )


def entity_datalist(*, limit: int = DATALIST_ENTITIES) -> list[str]:
    """Names offered as the entity box is typed into (no script: an HTML datalist); a ranking
    of every entity, remembered until the next write."""
    return memoize(
        "entity_datalist",
        lambda: list(
            Entity.objects.annotate(n=Count("incident_links__incident", distinct=True))
            .order_by("-n", "name")
            .values_list("name", flat=True)[:limit]
        ),
        limit,
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    facet: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetField:
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class FacetGroup:
    namespace: str
    name: str
    fields: list[FacetField]

    @property
    def selected(self) -> bool:
        return any(v.selected for f in self.fields for v in f.values)


FACETS_SQL = """
SELECT facet, COUNT(DISTINCT c.incident_id)
FROM incidents_classification c CROSS JOIN LATERAL unnest(c.facets) AS facet
WHERE c.id IN ({classifications})
GROUP BY facet
"""


def incident_facets(
    *, incidents: QuerySet[Incident], selected: tuple[str, ...], viewer: Viewer = None
) -> list[FacetGroup]:
    """The taxonomy values of the incidents listed, with how many of them carry each: the
    categorical fields of the taxonomies this visitor may see (two queries)."""
    access = classification_access(viewer)
    classifications = (
        visible_classifications(access)
        .filter(incident__in=incidents.order_by().values("pk"))
        .values("pk")
    )
    try:
        sql, params = classifications.query.sql_with_params()
    except EmptyResultSet:  # the list is empty by construction (a filter nobody may use)
        return []

    def facet_counts() -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            # Only the ORM's own compiled SQL is formatted in; values travel as parameters.
            cursor.execute(FACETS_SQL.format(classifications=sql), params)
            return sorted(cursor.fetchall())

    # An aggregate over every classification listed: remembered until the next write, keyed
    # by the exact query (filters, keywords and the visitor's access are all in it).
    sorted_counts = memoize("incident_facet_counts", facet_counts, sql, params)
    counts = dict(sorted_counts)
    groups: dict[str, FacetGroup] = {}
    fields: QuerySet[TaxonomyField] = (
        visible_fields(access)
        .filter(display_type__in=PANEL_DISPLAY_TYPES)
        .select_related("taxonomy")
        .order_by("taxonomy__weight", "taxonomy__namespace", "weight", "id")
    )
    for tax_field in fields:
        namespace = tax_field.taxonomy.namespace
        prefix = f"{namespace}:{tax_field.short_name}:"
        used = sorted(
            facet_counts_under(sorted_counts, prefix), key=lambda item: (-item[1], item[0])
        )
        shown = used[:FACET_VALUES_SHOWN] + [
            (f, n) for f, n in used[FACET_VALUES_SHOWN:] if f in selected
        ]
        values = [FacetValue(f[len(prefix) :], f, n, f in selected) for f, n in shown]
        # A selected value no incident listed carries still shows, so it can be unticked.
        values += [
            FacetValue(f[len(prefix) :], f, 0, True)
            for f in selected
            if f.startswith(prefix) and f not in counts
        ]
        if not values:
            continue
        group = groups.setdefault(
            namespace,
            FacetGroup(namespace, tax_field.taxonomy.name or namespace, []),
        )
        group.fields.append(
            FacetField(label=tax_field.long_name or tax_field.short_name, values=values)
        )
    return list(groups.values())
