"""The default search's other records: disclosures and AI systems beside the incidents.

A search for "BLOOM" finds no incident but a verified disclosure and a system of that name;
the page shows them in their own section, labelled by type, and a query that names a model
or a system exactly is never answered with a "did you mean".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db.models import Count, Q

from emissions.models import DisclosureState
from emissions.selectors import disclosures_visible_to
from incidents.models import Entity, EntityRole
from search.engine import Hit, SearchQuery, SearchResult

SHOWN = 5
# pg_trgm similarity of the query to whole words of a system's name.
SYSTEM_NAME_SIMILARITY = 0.6


@dataclass(frozen=True)
class SystemHit:
    slug: str
    name: str
    incident_count: int
    footprint_count: int

    @property
    def url(self) -> str:
        return f"/systems/{self.slug}/"


@dataclass(frozen=True)
class AcrossRecords:
    disclosures: tuple[Hit, ...]
    disclosure_total: int
    systems: tuple[SystemHit, ...]

    def __bool__(self) -> bool:
        return bool(self.disclosures or self.systems)


def names_a_model_or_system(query: SearchQuery) -> bool:
    """The query text is exactly (case aside) a visible model's or a catalog entity's name."""
    text = query.parsed.text.strip().strip('"')
    if not text:
        return False
    return (
        Entity.objects.filter(Q(name__iexact=text) | Q(slug__iexact=text)).exists()
        or disclosures_visible_to(query.user).filter(model_name__iexact=text).exists()
    )


def without_needless_suggestion(result: SearchResult) -> SearchResult:
    if result.suggestion and names_a_model_or_system(result.query):
        return replace(result, suggestion=None)
    return result


def systems_matching(text: str, *, limit: int = SHOWN) -> tuple[SystemHit, ...]:
    """AI systems (entities linked to a model or implicated in an incident) named like `text`."""
    text = text.strip().strip('"')
    if not text:
        return ()
    rows = (
        Entity.objects.filter(
            Q(model_links__isnull=False) | Q(incident_links__role=EntityRole.IMPLICATED_SYSTEM)
        )
        .annotate(likeness=TrigramStrictWordSimilarity(text, "name"))
        .filter(Q(name__iexact=text) | Q(likeness__gte=SYSTEM_NAME_SIMILARITY))
        .annotate(
            incident_count=Count("incident_links__incident", distinct=True),
            footprint_count=Count(
                "model_links",
                filter=Q(model_links__disclosure__state=DisclosureState.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("-likeness", "name")[:limit]
    )
    return tuple(SystemHit(r.slug, r.name, r.incident_count, r.footprint_count) for r in rows)


def across_records(query: SearchQuery) -> AcrossRecords:
    """Disclosures and systems for the default (incident) search's first page."""
    from search.service import search_run

    if query.type != "incident" or query.parsed.is_empty or query.page != 1:
        return AcrossRecords((), 0, ())
    disclosures = search_run(
        SearchQuery(
            parsed=query.parsed,
            type="disclosure",
            page_size=SHOWN,
            with_facets=False,
            correct=False,
            user=query.user,
        )
    )
    return AcrossRecords(
        disclosures=disclosures.hits,
        disclosure_total=disclosures.total,
        systems=systems_matching(query.parsed.text),
    )
