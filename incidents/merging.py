"""What an editor sees before a merge: the two records side by side and what the merge does.

Read-only; the merge itself is `incidents.services.editing.incidents_merge` /
`entities_merge`, which check the same things again under row locks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from incidents.models import Entity, Incident, Report
from incidents.models.taxonomy import Classification
from incidents.services.editing import entities_merge_pair, incidents_merge_target

EXCERPT_CHARS = 400


@dataclass(frozen=True)
class IncidentSide:
    id: int
    title: str
    date: datetime.date | None
    description: str
    report_numbers: frozenset[int]
    entities: tuple[str, ...]  # "Name (role)"
    taxonomies: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"/incidents/{self.id}/"


@dataclass(frozen=True)
class IncidentMergePreview:
    duplicate: IncidentSide
    target: IncidentSide

    @property
    def reports_after(self) -> int:
        return len(self.duplicate.report_numbers | self.target.report_numbers)

    @property
    def reports_moving(self) -> int:
        return len(self.duplicate.report_numbers - self.target.report_numbers)

    @property
    def classification_conflicts(self) -> tuple[str, ...]:
        """Taxonomies both have: the kept incident's values win."""
        return tuple(sorted(set(self.duplicate.taxonomies) & set(self.target.taxonomies)))


def _side(incident: Incident) -> IncidentSide:
    numbers = frozenset(Report.objects.filter(incidents=incident).values_list("number", flat=True))
    entities = tuple(
        f"{link.entity.name} ({link.get_role_display().lower()})"
        for link in incident.entity_links.select_related("entity").order_by("role", "entity__name")
    )
    taxonomies = tuple(
        Classification.objects.filter(incident=incident)
        .order_by("taxonomy__namespace")
        .values_list("taxonomy__namespace", flat=True)
    )
    description = incident.description
    if len(description) > EXCERPT_CHARS:
        description = description[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return IncidentSide(
        id=incident.pk,
        title=incident.title,
        date=incident.date,
        description=description,
        report_numbers=numbers,
        entities=entities,
        taxonomies=taxonomies,
    )


def incidents_merge_preview(*, duplicate_id: int, target_id: int) -> IncidentMergePreview:
    """Both incidents as they are now; ValidationError (by field) when the merge cannot be."""
    target_now = incidents_merge_target(duplicate_id=duplicate_id, target_id=target_id)
    duplicate = Incident.objects.get(pk=duplicate_id)
    target = Incident.objects.get(pk=target_now)
    return IncidentMergePreview(duplicate=_side(duplicate), target=_side(target))


@dataclass(frozen=True)
class EntitySide:
    slug: str
    name: str
    aliases: tuple[str, ...]
    incidents: int

    @property
    def url(self) -> str:
        return f"/entities/{self.slug}/"


@dataclass(frozen=True)
class EntityMergePreview:
    duplicate: EntitySide
    target: EntitySide


def _entity_side(entity: Entity) -> EntitySide:
    count = entity.incident_links.values("incident_id").distinct().count()
    return EntitySide(entity.slug, entity.name, tuple(entity.aliases or ()), count)


def entities_merge_preview(*, duplicate_slug: str, target_slug: str) -> EntityMergePreview:
    duplicate, target = entities_merge_pair(duplicate_slug=duplicate_slug, target_slug=target_slug)
    return EntityMergePreview(duplicate=_entity_side(duplicate), target=_entity_side(target))
