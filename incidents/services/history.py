"""The history of editors' changes to incidents and reports: who, when, what changed.

Editing screens take a `catalog_snapshot` before and after a change and hand both to
`record_change`, which writes one append-only AuditEvent carrying a field-by-field diff.
Snapshots include the links edited on the same screen (an incident's entities and curated
links, a report's incidents), so the diff shows those too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet

from incidents.indexing import schedule_reindex
from incidents.models import Incident, Report
from registry.models import AuditEvent, User
from registry.workflow import audit

Snapshot = dict[str, Any]

INCIDENT_FIELDS = ("title", "description", "date", "date_precision", "editors", "editor_notes")
REPORT_FIELDS = (
    "title", "text", "description", "url", "source_domain", "image_url", "authors",
    "submitters", "tags", "language", "date_published", "date_downloaded", "date_submitted",
    "date_modified", "kind", "flagged", "editor_notes",
)  # fmt: skip


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def catalog_snapshot(instance: models.Model) -> Snapshot:
    """The editable state of an incident or report, as JSON-ready values (reads its links)."""
    if isinstance(instance, Incident):
        state = {name: _jsonable(getattr(instance, name)) for name in INCIDENT_FIELDS}
        if instance.pk:
            state["entities"] = sorted(
                f"{role}:{slug}"
                for role, slug in instance.entity_links.values_list("role", "entity__slug")
            )
            state["linked_incidents"] = sorted(
                f"{kind}:{other}"
                for kind, other in instance.links_from.values_list("kind", "other_id")
            )
        return state
    if isinstance(instance, Report):
        state = {name: _jsonable(getattr(instance, name)) for name in REPORT_FIELDS}
        if instance.pk:
            state["incidents"] = sorted(instance.incidents.values_list("id", flat=True))
        return state
    raise TypeError(f"no change history is kept for {type(instance).__name__}")


def snapshot_diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    """`{field: {"from": old, "to": new}}` for every field whose value changed."""
    return {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record_change(
    *,
    actor: User | None,
    instance: Incident | Report,
    before: Snapshot | None,
    after: Snapshot,
) -> AuditEvent | None:
    """Record an editor's creation (`before` None) or change of an incident or report.

    Writes one AuditEvent (action `created` or `changed`, `data["changes"]` the diff) in the
    caller's transaction and schedules a search reindex on commit. A save that changed
    nothing records nothing and returns None.
    """
    changes = snapshot_diff(before or {}, after)
    if before is not None and not changes:
        return None
    event = audit(
        actor=actor,
        subject=instance,
        action="created" if before is None else "changed",
        data={"changes": changes},
    )
    _reindex(instance)
    return event


def record_deletion(*, actor: User | None, instance: Incident | Report) -> AuditEvent:
    """Record the deletion of an incident or report, keeping its last state in the event.
    Call before deleting (the snapshot reads the record's links)."""
    event = audit(
        actor=actor,
        subject=instance,
        action="deleted",
        data={"before": catalog_snapshot(instance)},
    )
    _reindex(instance)
    return event


def _reindex(instance: Incident | Report) -> None:
    if isinstance(instance, Incident):
        schedule_reindex(incident_ids=[instance.pk])
    else:
        schedule_reindex(
            report_numbers=[instance.pk],
            incident_ids=list(instance.incidents.values_list("id", flat=True)),
        )


def catalog_history(*, instance: Incident | Report) -> QuerySet[AuditEvent]:
    """Every audited action on this incident or report, newest first."""
    return AuditEvent.objects.filter(
        subject_type=instance._meta.label_lower, subject_id=instance.pk
    ).order_by("-created_at", "-id")
