"""Editors' tools on the catalog: merging duplicates, linking reports and incidents, curated
similar/dissimilar incidents and report flags.

Each tool is one atomic, audited service for editors; each schedules a reindex of the records
it touched. Merges keep public ids alive: the absorbed incident's id (and every id that already
redirected to it) redirects to the surviving incident, so chains never dangle.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from incidents.indexing import schedule_reindex
from incidents.models import (
    Classification,
    Entity,
    EntityRedirect,
    Incident,
    IncidentEntity,
    IncidentLink,
    IncidentLinkKind,
    IncidentRedirect,
    Report,
    ReportKind,
)
from incidents.models.submissions import Submission
from registry.ids import MAX_ID
from registry.models import Role, User
from registry.workflow import audit

REASON_MAX = 2_000

Through = Report.incidents.through
SubmissionIncidents = Submission.resulting_incidents.through

# Relations to an incident that a merge moves; anything else pointing at the duplicate makes
# the merge refuse rather than silently cascade-delete someone's data.
INCIDENT_RELATIONS_MOVED = {
    (Through, "incident"),
    (SubmissionIncidents, "incident"),
    (IncidentEntity, "incident"),
    (Classification, "incident"),
    (IncidentLink, "incident"),
    (IncidentLink, "other"),
    (IncidentRedirect, "target"),
}
ENTITY_RELATIONS_MOVED = {(IncidentEntity, "entity"), (EntityRedirect, "target")}


def _require_editor(actor: User | None) -> User:
    if actor is None or not actor.is_authenticated or not actor.has_role(Role.EDITOR):
        raise PermissionDenied("Only editors may change the catalog.")
    return actor


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"A reason is at most {REASON_MAX:,} characters."]})
    return reason


def _check_id(value: int, field: str) -> None:
    if not 1 <= value <= MAX_ID:
        raise ValidationError({field: [f"{value} is not an id."]})


def incident_current_id(incident_id: int) -> int | None:
    """The id an incident answers to now (following a merge), or None if it never existed."""
    if not 1 <= incident_id <= MAX_ID:
        return None
    if Incident.objects.filter(pk=incident_id).exists():
        return incident_id
    return (
        IncidentRedirect.objects.filter(old_id=incident_id)
        .values_list("target_id", flat=True)
        .first()
    )


def _unmoved_references(instance: models.Model, moved: set[tuple[type, str]]) -> list[str]:
    """Names of other records that still point at `instance` and a merge does not handle."""
    found = []
    for relation in instance._meta.related_objects:
        key = (relation.related_model, relation.field.name)
        if key in moved or relation.many_to_many:
            continue
        manager = relation.related_model._default_manager
        if manager.filter(**{relation.field.name: instance}).exists():
            found.append(relation.related_model._meta.verbose_name_plural)
    for m2m in instance._meta.related_objects:
        if not m2m.many_to_many:
            continue
        through = m2m.through
        if (through, "incident") in moved or (through, "entity") in moved:
            continue
        if m2m.related_model._default_manager.filter(**{m2m.field.name: instance}).exists():
            found.append(m2m.related_model._meta.verbose_name_plural)
    return sorted(set(found))


# --- Incidents -------------------------------------------------------------------------------


def incidents_merge_target(*, duplicate_id: int, target_id: int) -> int:
    """The id `target_id` now stands for; ValidationError (by field) when `duplicate_id`
    cannot be merged into it. The merge and its preview ask this one rule."""
    target_now = incident_current_id(target_id)
    if target_now is None:
        raise ValidationError({"target_id": [f"No incident with id {target_id}."]})
    if not Incident.objects.filter(pk=duplicate_id).exists():
        already = incident_current_id(duplicate_id)
        message = (
            f"Incident {duplicate_id} was already merged into {already}."
            if already
            else f"No incident with id {duplicate_id}."
        )
        raise ValidationError({"duplicate_id": [message]})
    if target_now == duplicate_id:
        raise ValidationError({"target_id": ["An incident cannot be merged into itself."]})
    return target_now


def entities_merge_pair(*, duplicate_slug: str, target_slug: str) -> tuple[Entity, Entity]:
    """(duplicate, target as it is now); ValidationError (by field) when the merge cannot be.
    The merge and its preview ask this one rule."""
    duplicate = Entity.objects.filter(slug=duplicate_slug).first()
    if duplicate is None:
        merged = entity_current(duplicate_slug)
        message = (
            f"Entity '{duplicate_slug}' was already merged into '{merged.slug}'."
            if merged
            else f"No entity '{duplicate_slug}'."
        )
        raise ValidationError({"duplicate_slug": [message]})
    target = entity_current(target_slug)
    if target is None:
        raise ValidationError({"target_slug": [f"No entity '{target_slug}'."]})
    if target.pk == duplicate.pk:
        raise ValidationError({"target_slug": ["An entity cannot be merged into itself."]})
    return duplicate, target


def incidents_merge(*, duplicate_id: int, target_id: int, actor: User, reason: str) -> Incident:
    """Merge incident `duplicate_id` into `target_id`.

    Moves reports, entity roles, classifications (the target's own classification wins when
    both have one in a taxonomy; the dropped values are kept in the audit event), curated
    links and submission outcomes; re-points redirects that led to the duplicate; records
    `duplicate_id -> target_id` as a redirect; deletes the duplicate row. Audited on both
    incidents; reindexes the target, the duplicate's old id and the moved reports.
    """
    actor = _require_editor(actor)
    reason = _clean_reason(reason)
    _check_id(duplicate_id, "duplicate_id")
    _check_id(target_id, "target_id")
    with transaction.atomic():
        target_now = incidents_merge_target(duplicate_id=duplicate_id, target_id=target_id)
        # Lock both rows in id order, so two crossing merges cannot deadlock.
        locked = {
            i.pk: i
            for i in Incident.objects.select_for_update()
            .filter(pk__in=[duplicate_id, target_now])
            .order_by("pk")
        }
        duplicate, target = locked[duplicate_id], locked[target_now]
        leftovers = _unmoved_references(duplicate, INCIDENT_RELATIONS_MOVED)
        if leftovers:
            raise ValidationError(
                {"duplicate_id": [f"Other records still point at it: {', '.join(leftovers)}."]}
            )

        report_numbers = list(
            Through.objects.filter(incident_id=duplicate.pk).values_list("report_id", flat=True)
        )
        _move_m2m(Through, "report_id", duplicate.pk, target.pk)
        _move_m2m(SubmissionIncidents, "submission_id", duplicate.pk, target.pk)
        IncidentEntity.objects.bulk_create(
            [
                IncidentEntity(incident=target, entity_id=link.entity_id, role=link.role)
                for link in IncidentEntity.objects.filter(incident=duplicate)
            ],
            ignore_conflicts=True,
        )
        IncidentEntity.objects.filter(incident=duplicate).delete()
        moved_classifications, dropped = _move_classifications(duplicate, target)
        _move_links(duplicate, target)
        repointed = list(
            IncidentRedirect.objects.filter(target=duplicate).values_list("old_id", flat=True)
        )
        IncidentRedirect.objects.filter(target=duplicate).update(target=target)
        IncidentRedirect.objects.create(old_id=duplicate.pk, target=target)
        for submission in Submission.objects.filter(incident_ids__contains=[duplicate.pk]):
            submission.incident_ids = list(
                dict.fromkeys(
                    target.pk if i == duplicate.pk else i for i in submission.incident_ids
                )
            )
            submission.save(update_fields=["incident_ids", "modified_at"])
        target.editors = list(dict.fromkeys([*target.editors, *duplicate.editors]))
        target.save(update_fields=["editors", "modified_at"])
        data = {
            "duplicate_id": duplicate.pk,
            "duplicate_title": duplicate.title,
            "target_id": target.pk,
            "reports": sorted(report_numbers),
            "classifications_moved": moved_classifications,
            "classifications_dropped": dropped,
            "redirects_repointed": sorted(repointed),
        }
        audit(actor=actor, subject=duplicate, action="merged_into", reason=reason, data=data)
        audit(actor=actor, subject=target, action="merge_incident", reason=reason, data=data)
        duplicate.delete()
        schedule_reindex(incident_ids=[target.pk, duplicate_id], report_numbers=report_numbers)
    return target


def _move_m2m(through: type[models.Model], other_column: str, old: int, new: int) -> None:
    already = set(through.objects.filter(incident_id=new).values_list(other_column, flat=True))
    through.objects.bulk_create(
        [
            through(**{other_column: other, "incident_id": new})
            for other in through.objects.filter(incident_id=old).values_list(
                other_column, flat=True
            )
            if other not in already
        ]
    )
    through.objects.filter(incident_id=old).delete()


def _move_classifications(duplicate: Incident, target: Incident) -> tuple[list[int], list[dict]]:
    taken = set(
        Classification.objects.filter(incident=target).values_list("taxonomy_id", flat=True)
    )
    movable = Classification.objects.filter(incident=duplicate).exclude(taxonomy_id__in=taken)
    moved = sorted(movable.values_list("pk", flat=True))
    movable.update(incident=target)
    dropped = [
        {
            "namespace": c.taxonomy.namespace,
            "publish": c.publish,
            "notes": c.notes,
            "values": {v.field.short_name: v.value for v in c.values.select_related("field")},
        }
        for c in Classification.objects.filter(incident=duplicate).select_related("taxonomy")
    ]
    return moved, dropped


def _move_links(duplicate: Incident, target: Incident) -> None:
    outgoing = list(IncidentLink.objects.filter(incident=duplicate).exclude(other=target))
    incoming = list(IncidentLink.objects.filter(other=duplicate).exclude(incident=target))
    IncidentLink.objects.filter(models.Q(incident=duplicate) | models.Q(other=duplicate)).delete()
    IncidentLink.objects.bulk_create(
        [IncidentLink(incident=target, other_id=link.other_id, kind=link.kind) for link in outgoing]
        + [
            IncidentLink(incident_id=link.incident_id, other=target, kind=link.kind)
            for link in incoming
        ],
        ignore_conflicts=True,
    )


def incidents_link(*, incident_id: int, other_id: int, kind: str, actor: User) -> IncidentLink:
    """Record that an editor judged `other_id` similar (or dissimilar) to `incident_id`."""
    actor = _require_editor(actor)
    if kind not in IncidentLinkKind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(IncidentLinkKind.values)}."]})
    with transaction.atomic():
        incident, other = _incident(incident_id, "incident_id"), _incident(other_id, "other_id")
        if incident.pk == other.pk:
            raise ValidationError({"other_id": ["An incident cannot be linked to itself."]})
        link, created = IncidentLink.objects.update_or_create(
            incident=incident, other=other, defaults={"kind": kind}
        )
        audit(
            actor=actor,
            subject=incident,
            action="link_incident",
            data={"other": other.pk, "kind": kind, "created": created},
        )
        schedule_reindex(incident_ids=[incident.pk])
    return link


def incidents_unlink(*, incident_id: int, other_id: int, actor: User) -> None:
    """Remove a curated similar/dissimilar link."""
    actor = _require_editor(actor)
    with transaction.atomic():
        incident, other = _incident(incident_id, "incident_id"), _incident(other_id, "other_id")
        link = IncidentLink.objects.filter(incident=incident, other=other).first()
        if link is None:
            raise ValidationError(
                {"other_id": [f"Incident {incident.pk} has no link to incident {other.pk}."]}
            )
        link.delete()
        audit(
            actor=actor,
            subject=incident,
            action="unlink_incident",
            data={"other": other.pk, "kind": link.kind},
        )
        schedule_reindex(incident_ids=[incident.pk])


def _incident(incident_id: int, field: str) -> Incident:
    current = incident_current_id(incident_id)
    if current is None:
        raise ValidationError({field: [f"No incident with id {incident_id}."]})
    return Incident.objects.get(pk=current)


# --- Reports ---------------------------------------------------------------------------------


def report_link_incident(*, report_number: int, incident_id: int, actor: User) -> Report:
    """Add a report to an incident (reports may belong to several). An issue linked to an
    incident becomes an incident report."""
    actor = _require_editor(actor)
    with transaction.atomic():
        report = _report(report_number, lock=True)
        incident = _incident(incident_id, "incident_id")
        if report.incidents.filter(pk=incident.pk).exists():
            raise ValidationError(
                {"incident_id": [f"Report {report.pk} is already in incident {incident.pk}."]}
            )
        report.incidents.add(incident)
        previous_kind = report.kind
        if report.kind == ReportKind.ISSUE:
            report.kind = ReportKind.INCIDENT_REPORT
            report.save(update_fields=["kind", "modified_at"])
        audit(
            actor=actor,
            subject=report,
            action="link_report",
            data={"incident": incident.pk, "previous_kind": previous_kind},
        )
        schedule_reindex(incident_ids=[incident.pk], report_numbers=[report.pk])
    return report


def report_unlink_incident(*, report_number: int, incident_id: int, actor: User) -> Report:
    """Take a report out of an incident; the report itself stays in the catalog."""
    actor = _require_editor(actor)
    with transaction.atomic():
        report = _report(report_number, lock=True)
        incident = _incident(incident_id, "incident_id")
        if not report.incidents.filter(pk=incident.pk).exists():
            raise ValidationError(
                {"incident_id": [f"Report {report.pk} is not in incident {incident.pk}."]}
            )
        report.incidents.remove(incident)
        audit(actor=actor, subject=report, action="unlink_report", data={"incident": incident.pk})
        schedule_reindex(incident_ids=[incident.pk], report_numbers=[report.pk])
    return report


def report_set_flag(*, report_number: int, flagged: bool, actor: User, reason: str = "") -> Report:
    """Flag a report for review (or clear the flag). Setting the flag it already has is a
    no-op and writes no audit event."""
    actor = _require_editor(actor)
    reason = _clean_reason(reason)
    with transaction.atomic():
        report = _report(report_number, lock=True)
        if report.flagged == flagged:
            return report
        report.flagged = flagged
        report.save(update_fields=["flagged", "modified_at"])
        audit(
            actor=actor,
            subject=report,
            action="flag_report" if flagged else "unflag_report",
            reason=reason,
        )
        schedule_reindex(
            incident_ids=list(report.incidents.values_list("pk", flat=True)),
            report_numbers=[report.pk],
        )
    return report


def _report(report_number: int, *, lock: bool = False) -> Report:
    if not 1 <= report_number <= MAX_ID:
        raise ValidationError({"report_number": [f"{report_number} is not a report number."]})
    queryset = Report.objects.select_for_update() if lock else Report.objects
    report = queryset.filter(pk=report_number).first()
    if report is None:
        raise ValidationError({"report_number": [f"No report with number {report_number}."]})
    return report


# --- Entities --------------------------------------------------------------------------------


def entity_current(slug: str) -> Entity | None:
    """The entity a slug names now (following a merge)."""
    entity = Entity.objects.filter(slug=slug).first()
    if entity is not None:
        return entity
    redirect = EntityRedirect.objects.filter(old_slug=slug).select_related("target").first()
    return redirect.target if redirect is not None else None


def entities_merge(*, duplicate_slug: str, target_slug: str, actor: User, reason: str) -> Entity:
    """Merge entity `duplicate_slug` into `target_slug`.

    The target gains the duplicate's name and aliases as aliases and its incident roles; the
    old slug (and every slug that redirected to it) redirects to the target; the duplicate row
    is deleted. Audited on both; reindexes the incidents whose entities changed.
    """
    actor = _require_editor(actor)
    reason = _clean_reason(reason)
    with transaction.atomic():
        duplicate, target = entities_merge_pair(
            duplicate_slug=duplicate_slug, target_slug=target_slug
        )
        locked = {
            e.pk: e
            for e in Entity.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, target.pk])
            .order_by("pk")
        }
        duplicate, target = locked[duplicate.pk], locked[target.pk]
        leftovers = _unmoved_references(duplicate, ENTITY_RELATIONS_MOVED)
        if leftovers:
            raise ValidationError(
                {"duplicate_slug": [f"Other records still point at it: {', '.join(leftovers)}."]}
            )
        incident_ids = sorted(
            set(
                IncidentEntity.objects.filter(entity=duplicate).values_list(
                    "incident_id", flat=True
                )
            )
        )
        IncidentEntity.objects.bulk_create(
            [
                IncidentEntity(incident_id=link.incident_id, entity=target, role=link.role)
                for link in IncidentEntity.objects.filter(entity=duplicate)
            ],
            ignore_conflicts=True,
        )
        IncidentEntity.objects.filter(entity=duplicate).delete()
        target.aliases = _merged_aliases(
            target.name, [*target.aliases, duplicate.name, *duplicate.aliases]
        )
        target.save(update_fields=["aliases", "modified_at"])
        repointed = list(
            EntityRedirect.objects.filter(target=duplicate).values_list("old_slug", flat=True)
        )
        EntityRedirect.objects.filter(target=duplicate).update(target=target)
        EntityRedirect.objects.create(old_slug=duplicate.slug, target=target)
        data = {
            "duplicate_slug": duplicate.slug,
            "duplicate_name": duplicate.name,
            "target_slug": target.slug,
            "incidents": incident_ids,
            "redirects_repointed": sorted(repointed),
        }
        audit(actor=actor, subject=duplicate, action="merged_into", reason=reason, data=data)
        audit(actor=actor, subject=target, action="merge_entity", reason=reason, data=data)
        duplicate.delete()
        schedule_reindex(incident_ids=incident_ids)
    return target


def _merged_aliases(name: str, candidates: Iterable[str]) -> list[str]:
    seen = {name.strip().lower()}
    aliases = []
    for alias in candidates:
        key = alias.strip().lower()
        if key and key not in seen:
            seen.add(key)
            aliases.append(alias.strip())
    return aliases
