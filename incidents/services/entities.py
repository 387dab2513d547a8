"""Editors' changes to entities: renaming keeps every old address working."""

from __future__ import annotations

from django.db import transaction

from incidents.indexing import schedule_reindex
from incidents.models import Entity, EntityRedirect
from registry.models import AuditEvent, User
from registry.workflow import audit

RENAMED = "renamed"


@transaction.atomic
def entity_rename(*, actor: User | None, entity: Entity, name: str, slug: str) -> Entity:
    """Give an entity a new display name and/or slug.

    Side effects: the old slug becomes an `EntityRedirect` (so links and filters keep working;
    a redirect that named the new slug is removed, or it would shadow the entity), an
    `entity renamed` AuditEvent records both changes, and the search documents of the
    entity's incidents are refreshed on commit. A rename that changes nothing writes nothing.
    The importer leaves the names of renamed entities alone (see `entities_renamed_by_editors`).
    """
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    changes = {}
    if name != entity.name:
        changes["name"] = {"from": entity.name, "to": name}
    if slug != entity.slug:
        changes["slug"] = {"from": entity.slug, "to": slug}
    if not changes:
        return entity
    old_slug = entity.slug
    entity.name, entity.slug = name, slug
    entity.save(update_fields=["name", "slug", "modified_at"])
    if "slug" in changes:
        EntityRedirect.objects.filter(old_slug=slug).delete()
        EntityRedirect.objects.update_or_create(old_slug=old_slug, defaults={"target": entity})
    audit(actor=actor, subject=entity, action=RENAMED, data={"changes": changes})
    schedule_reindex(
        incident_ids=list(entity.incident_links.values_list("incident_id", flat=True).distinct())
    )
    return entity


def entities_renamed_by_editors(entity_ids: list[int]) -> set[int]:
    """Which of these entities an editor has renamed (their names are no longer the source's)."""
    return set(
        AuditEvent.objects.filter(
            subject_type=Entity._meta.label_lower, subject_id__in=entity_ids, action=RENAMED
        ).values_list("subject_id", flat=True)
    )
