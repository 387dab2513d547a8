"""Read paths that join the two records: an AI system's incidents and its models' footprints.

Footprints shown to the public are those of verified disclosures only (the visibility rule of
`emissions.selectors.disclosures_public`); a link to a model without one is still shown, as a
plain statement that nothing was disclosed. Every function runs a fixed number of queries,
whatever the number of incidents, links or recomputations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Greatest

from emissions.models import (
    Disclosure,
    DisclosureState,
    OverrideOutcome,
    Recomputation,
    SystemModelLink,
    VerificationOverride,
)
from emissions.presentation import VerificationBadge, verification_badge
from emissions.selectors import disclosures_public
from incidents.models import Entity, EntityRole, Incident, IncidentEntity

# Relations under which a system's training cost includes the model's: summing them is a total
# of what was spent on the system; "same family" footprints are context, never added in.
DIRECT_RELATIONS = ("is", "built_on", "fine_tuned_from")
# pg_trgm similarity of the whole names, or of the model's name to whole words of the
# entity's ("Meena" in "Meena chatbot" is 1.0, "BLOOM" in "National Blood Bank" 0.5).
SUGGESTION_THRESHOLD = 0.6
ARXIV_YEAR = re.compile(r"^(\d{2})(\d{2})\.")


@dataclass(frozen=True)
class Footprint:
    """One link of a system to a model, with the model's verified footprint when there is one."""

    link: SystemModelLink
    disclosure: Disclosure | None
    gross_tco2e: float | None = None
    low_tco2e: float | None = None
    high_tco2e: float | None = None
    verdict: str = ""
    hardware: tuple[str, ...] = ()
    year: int | None = None
    # What was verified, in the one wording of emissions.presentation.verification_badge.
    badge: VerificationBadge | None = None

    @property
    def is_direct(self) -> bool:
        return self.link.relation in DIRECT_RELATIONS

    @property
    def verdict_label(self) -> str:
        return self.verdict.replace("_", " ")


@dataclass
class SystemPage:
    system: Entity
    incidents_by_role: list[tuple[str, list[Incident]]]
    incident_count: int
    incidents_per_year: list[tuple[int, int]]
    footprints: list[Footprint]
    total_direct_tco2e: float | None = None
    direct_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _recomputed(column: str) -> Subquery:
    """The newest recomputation of the disclosure's current input, one column of it."""
    return Subquery(
        Recomputation.objects.filter(
            disclosure=OuterRef("disclosure_id"), input_hash=OuterRef("disclosure__input_hash")
        )
        .order_by("-created_at", "-id")
        .values(column)[:1]
    )


def _links_with_footprints(links: QuerySet[SystemModelLink]) -> QuerySet[SystemModelLink]:
    return links.select_related("system", "disclosure").annotate(
        rc_gross=_recomputed("gross_tco2e"),
        rc_low=_recomputed("low_tco2e"),
        rc_high=_recomputed("high_tco2e"),
        rc_verdict=_recomputed("verdict"),
        override_reason=Subquery(_confirmed_overrides.values("reason")[:1]),
        override_verdict=Subquery(_confirmed_overrides.values("verdict")[:1]),
    )


# A verified disclosure's confirmed override, if it was accepted despite its verdict.
_confirmed_overrides = VerificationOverride.objects.filter(
    disclosure=OuterRef("disclosure_id"), outcome=OverrideOutcome.CONFIRMED
).order_by("-id")


def _publication_year(disclosure: Disclosure) -> int | None:
    """The year of the paper, read from its arXiv identifier (YYMM.number), when it has one."""
    match = ARXIV_YEAR.match(disclosure.arxiv_id or "")
    return 2000 + int(match.group(1)) if match else None


def _footprint(link: SystemModelLink) -> Footprint:
    disclosure = link.disclosure
    if disclosure is None or disclosure.state != DisclosureState.VERIFIED:
        return Footprint(link=link, disclosure=None)
    hardware = tuple(
        dict.fromkeys(
            str(run.get("accelerator")) for run in disclosure.runs if run.get("accelerator")
        )
    )
    return Footprint(
        link=link,
        disclosure=disclosure,
        gross_tco2e=getattr(link, "rc_gross", None),
        low_tco2e=getattr(link, "rc_low", None),
        high_tco2e=getattr(link, "rc_high", None),
        verdict=getattr(link, "rc_verdict", None) or "",
        badge=verification_badge(
            state=disclosure.state,
            verdict=getattr(link, "override_verdict", None) or getattr(link, "rc_verdict", None),
            override_reason=getattr(link, "override_reason", None) or "",
        ),
        hardware=hardware,
        year=_publication_year(disclosure),
    )


def _order(footprints: list[Footprint]) -> list[Footprint]:
    # Direct relations first, then the footprints, largest first; undisclosed models last.
    return sorted(
        footprints,
        key=lambda f: (not f.is_direct, f.disclosure is None, -(f.gross_tco2e or 0), f.link.pk),
    )


def footprints_for_systems(system_ids: list[int]) -> dict[int, list[Footprint]]:
    """Each system's links and footprints, in one query."""
    found: dict[int, list[Footprint]] = {pk: [] for pk in system_ids}
    if not system_ids:
        return found
    for link in _links_with_footprints(SystemModelLink.objects.filter(system_id__in=system_ids)):
        found[link.system_id].append(_footprint(link))
    return {pk: _order(items) for pk, items in found.items()}


def footprints_for_incident(incident: Incident) -> list[Footprint]:
    """The links of the incident's implicated systems, in one query (always exactly one)."""
    links = SystemModelLink.objects.filter(
        system__incident_links__incident_id=incident.pk,
        system__incident_links__role=EntityRole.IMPLICATED_SYSTEM,
    ).distinct()
    return _order([_footprint(link) for link in _links_with_footprints(links)])


def system_page(*, slug: str) -> SystemPage | None:
    """The system page in four queries: system, incident roles, links with footprints."""
    system = Entity.objects.filter(slug=slug).first()
    if system is None:
        return None
    by_role: dict[str, list[Incident]] = {role.value: [] for role in EntityRole}
    seen: dict[int, Incident] = {}
    roles = (
        IncidentEntity.objects.filter(entity=system)
        .select_related("incident")
        .only(
            "role", "incident__id", "incident__title", "incident__date", "incident__date_precision"
        )
        .order_by(F("incident__date").desc(nulls_last=True), "-incident__id")
    )
    for row in roles:
        by_role[row.role].append(row.incident)
        seen[row.incident_id] = row.incident
    years = Counter(incident.date.year for incident in seen.values() if incident.date)
    footprints = footprints_for_systems([system.pk])[system.pk]
    direct = {
        f.disclosure.pk: f.gross_tco2e
        for f in footprints
        if f.is_direct and f.disclosure is not None and f.gross_tco2e is not None
    }
    return SystemPage(
        system=system,
        incidents_by_role=[
            (role.label, by_role[role.value]) for role in EntityRole if by_role[role.value]
        ],
        incident_count=len(seen),
        incidents_per_year=sorted(years.items()),
        footprints=footprints,
        # A total only adds up when at least two disclosed models went into the system.
        total_direct_tco2e=sum(direct.values()) if len(direct) > 1 else None,
        direct_count=len(direct),
    )


def systems_list() -> QuerySet[Entity]:
    """Entities with at least one model link, with their incident and verified-link counts."""
    return (
        Entity.objects.filter(model_links__isnull=False)
        .annotate(
            incident_count=Count("incident_links__incident", distinct=True),
            footprint_count=Count(
                "model_links",
                filter=Q(model_links__disclosure__state=DisclosureState.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("name")
        .distinct()
    )


def systems_with_incidents_and_footprints(*, limit: int = 8) -> list[Entity]:
    return list(
        systems_list()
        .filter(incident_count__gt=0, footprint_count__gt=0)
        .order_by("-incident_count", "name")[:limit]
    )


def system_suggestions(disclosure: Disclosure, *, limit: int = 5) -> list[Entity]:
    """Catalog entities whose name resembles the model's (pg_trgm), not yet linked to it.

    Only suggestions: a link exists once a person confirms it with a relation.
    """
    name = disclosure.model_name.strip()
    if not name:
        return []
    return list(
        Entity.objects.annotate(
            similarity=Greatest(
                TrigramSimilarity("name", name), TrigramStrictWordSimilarity(name, "name")
            )
        )
        .filter(similarity__gte=SUGGESTION_THRESHOLD)
        .exclude(model_links__disclosure=disclosure)
        .order_by("-similarity", "name")[:limit]
    )


@dataclass(frozen=True)
class EmissionsSummary:
    verified_count: int
    total_recomputed_tco2e: float | None
    latest: Disclosure | None
    largest: Disclosure | None
    systems: list[Entity]


def emissions_summary() -> EmissionsSummary:
    """The home page's emissions column: counts, total, latest and largest verified.

    A version replaced by a verified amendment is not counted twice.
    """
    replaced = disclosures_public().filter(amendments__state=DisclosureState.VERIFIED)
    live = (
        disclosures_public()
        .exclude(pk__in=replaced.values("pk"))
        .annotate(
            rc_gross=Subquery(
                Recomputation.objects.filter(
                    disclosure=OuterRef("pk"), input_hash=OuterRef("input_hash")
                )
                .order_by("-created_at", "-id")
                .values("gross_tco2e")[:1]
            )
        )
    )
    totals = live.aggregate(count=Count("id"), total=Sum("rc_gross"))
    return EmissionsSummary(
        verified_count=totals["count"],
        total_recomputed_tco2e=totals["total"],
        latest=live.order_by(F("decided_at").desc(nulls_last=True), "-id").first(),
        largest=live.order_by(F("rc_gross").desc(nulls_last=True), "-id").first(),
        systems=systems_with_incidents_and_footprints(),
    )
