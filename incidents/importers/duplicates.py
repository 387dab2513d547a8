"""Merged duplicate incidents: duplicates.csv becomes IncidentRedirect rows.

A duplicate's id keeps answering (with a redirect) for ever. When the duplicate also exists as
an incident (its own row in the snapshot, or an earlier import), its reports, entities and
classifications move to the incident that absorbed it and the duplicate row goes away.
Chains (a duplicate of a duplicate) resolve to the last incident of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from django.db.models.deletion import ProtectedError

from incidents.importers.writes import Counts, Provenance, add_entity_roles, add_report_links
from incidents.models import (
    Classification,
    Incident,
    IncidentEntity,
    IncidentRedirect,
    Report,
)
from registry.workflow import audit

Problem = Callable[[int, str], None]  # (line, message)


def resolve_duplicates(
    *,
    duplicates: Mapping[int, tuple[int, int]],
    known_ids: Collection[int],
    problem: Problem,
) -> dict[int, int]:
    """duplicate id -> the id of the incident that finally absorbs it, for the duplicates whose
    chain ends at an incident of the snapshot or the database."""
    targets: dict[int, int] = {}
    for duplicate, (true, line) in duplicates.items():
        chain = [duplicate]
        current = true
        while current in duplicates and current not in chain:
            chain.append(current)
            current = duplicates[current][0]
        if current in chain:
            problem(line, f"duplicates form a cycle: {' -> '.join(map(str, [*chain, current]))}")
            continue
        if current not in known_ids:
            via = f" (via {' -> '.join(map(str, chain[1:]))})" if len(chain) > 1 else ""
            problem(
                line,
                f"incident {duplicate} is a duplicate of {current}{via}, which is neither in "
                "the snapshot nor in the database; not merged",
            )
            continue
        targets[duplicate] = current
    return targets


def merge_stored_duplicates(
    *,
    targets: Mapping[int, int],
    lines: Mapping[int, int],
    provenance: Provenance,
    problem: Problem,
) -> tuple[set[int], set[int]]:
    """Fold duplicates that exist as incidents into their targets, then delete them.

    Returns (the duplicates that can now redirect, the target incidents that changed).
    Side effects: report links, entity roles and classifications move to the target; older
    redirects to the duplicate are re-pointed; one audit event "incident.merge" per merge.
    """
    stored = dict(Incident.objects.filter(id__in=list(targets)).values_list("id", "source"))
    redirectable = {duplicate for duplicate in targets if duplicate not in stored}
    changed: set[int] = set()
    for duplicate, source in sorted(stored.items()):
        target = targets[duplicate]
        if source != provenance.source:
            problem(
                lines[duplicate],
                f"incident {duplicate} exists and was not imported from {provenance.source} "
                f"(source: {source}); not merged into {target}",
            )
            continue
        through = Report.incidents.through
        reports = through.objects.filter(incident_id=duplicate).values_list("report_id", flat=True)
        add_report_links((report, target) for report in reports)
        add_entity_roles(
            (target, entity, role)
            for entity, role in IncidentEntity.objects.filter(incident_id=duplicate).values_list(
                "entity_id", "role"
            )
        )
        taken = set(
            Classification.objects.filter(incident_id=target).values_list("taxonomy_id", flat=True)
        )
        Classification.objects.filter(incident_id=duplicate).exclude(taxonomy_id__in=taken).update(
            incident_id=target
        )
        IncidentRedirect.objects.filter(target_id=duplicate).update(target_id=target)
        try:
            Incident.objects.filter(id=duplicate).delete()
        except ProtectedError:
            problem(
                lines[duplicate],
                f"incident {duplicate} is still referenced by other records; not merged",
            )
            continue
        audit(
            actor=None,
            subject=Incident.objects.get(id=target),
            action="incident.merge",
            reason=f"duplicate of {target} in the {provenance.source} snapshot",
            data={"duplicate": duplicate, "target": target},
        )
        redirectable.add(duplicate)
        changed.add(target)
    return redirectable, changed


def sync_redirects(*, targets: Mapping[int, int], redirectable: Collection[int]) -> Counts:
    """IncidentRedirect rows for the redirectable duplicates; counts created/updated/unchanged."""
    counts = Counts()
    stored = {
        redirect.old_id: redirect
        for redirect in IncidentRedirect.objects.filter(old_id__in=list(redirectable))
    }
    to_create, to_update = [], []
    for duplicate in sorted(redirectable):
        target = targets[duplicate]
        redirect = stored.get(duplicate)
        if redirect is None:
            to_create.append(IncidentRedirect(old_id=duplicate, target_id=target))
            counts.created += 1
        elif redirect.target_id != target:
            redirect.target_id = target
            to_update.append(redirect)
            counts.updated += 1
        else:
            counts.unchanged += 1
    IncidentRedirect.objects.bulk_create(to_create)
    IncidentRedirect.objects.bulk_update(to_update, ["target"])
    return counts
