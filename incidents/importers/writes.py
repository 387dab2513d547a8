"""Set-based writes shared by the AIID importer and the demo loader.

Each function compares what is stored with what is wanted and writes only the difference, in
bulk: a second run with the same input writes nothing. Rows that another source owns (an
incident created in the registry, demo data) are never overwritten; they are returned as
refused so that the caller can report them. Links (reports to incidents, entities to
incidents) are only ever added, never removed, so that editors' curation survives a re-import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models.functions import MD5
from django.utils import timezone

from incidents.importers.cells import name_from_slug
from incidents.models import (
    Classification,
    ClassificationValue,
    Entity,
    EntityRedirect,
    Incident,
    IncidentEntity,
    IncidentRedirect,
    Report,
)
from incidents.services.entities import entities_renamed_by_editors

BATCH_SIZE = 500


@dataclass(frozen=True)
class Provenance:
    """Where imported rows come from, recorded on each of them."""

    source: str
    license: str = ""
    attribution: str = ""

    def fields(self) -> dict[str, str]:
        return {
            "source": self.source,
            "source_license": self.license,
            "source_attribution": self.attribution,
        }


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    @property
    def changed(self) -> int:
        return self.created + self.updated


@dataclass
class SyncResult:
    created: set[Any] = field(default_factory=set)
    updated: set[Any] = field(default_factory=set)
    unchanged: set[Any] = field(default_factory=set)
    # key -> the source that owns the stored row
    refused: dict[Any, str] = field(default_factory=dict)


def _md5(value: str) -> str:
    return hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def clamp(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Cut strings (and array items) to the column's max_length: one over-long title must not
    abort a whole import."""
    clamped = dict(values)
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        base = getattr(model_field, "base_field", None)
        if isinstance(value, str) and limit:
            clamped[name] = value[:limit]
        elif isinstance(value, list) and base is not None and getattr(base, "max_length", None):
            clamped[name] = [
                item[: base.max_length] if isinstance(item, str) else item for item in value
            ]
    return clamped


def sync_rows(
    *,
    model: type[models.Model],
    rows: Mapping[int, dict[str, Any]],
    provenance: Provenance,
    hashed_fields: Collection[str] = (),
) -> SyncResult:
    """Create or update `model` rows keyed by primary key so that they hold `rows`.

    Long text fields named in `hashed_fields` are compared by MD5 in the database, so a re-run
    does not read every report's text back. Side effects: bulk INSERT / UPDATE of the changed
    rows only; `modified_at` is set on updated rows.
    """
    result = SyncResult()
    if not rows:
        return result
    pk_name = model._meta.pk.name
    sample = next(iter(rows.values()))
    plain = [name for name in sample if name not in hashed_fields]
    prov = provenance.fields()
    existing = {
        values.pop(pk_name): values
        for values in model.objects.filter(pk__in=list(rows))
        .annotate(**{f"{name}_md5": MD5(name) for name in hashed_fields})
        .values(pk_name, *plain, *prov, *(f"{name}_md5" for name in hashed_fields))
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    now = timezone.now()
    for key, wanted in rows.items():
        wanted = clamp(model, wanted)
        stored = existing.get(key)
        if stored is None:
            to_create.append(model(**{pk_name: key}, **wanted, **prov))
            result.created.add(key)
            continue
        if stored["source"] != provenance.source:
            result.refused[key] = stored["source"]
            continue
        same = all(stored[name] == wanted[name] for name in plain) and all(
            stored[f"{name}_md5"] == _md5(wanted[name]) for name in hashed_fields
        )
        same = same and all(stored[name] == value for name, value in prov.items())
        if same:
            result.unchanged.add(key)
            continue
        to_update.append(model(**{pk_name: key}, **wanted, **prov, modified_at=now))
        result.updated.add(key)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, [*sample, *prov, "modified_at"], batch_size=BATCH_SIZE)
    return result


def sync_entities(
    *,
    names: Mapping[str, str | None],
    provenance: Provenance,
    inferred: Collection[str] = frozenset(),
) -> tuple[Counts, dict[str, int]]:
    """Make sure an entity exists for every slug; return the counts and slug -> entity id.

    A slug that was merged into another entity (EntityRedirect) resolves to that entity. A
    missing entity is created with the given name, or a name derived from its slug. A stored
    name is replaced only when a name is given, this source created the entity and no editor
    has renamed it; a name only `inferred` (read from text, not listed by the source) replaces
    nothing but a name derived from the slug.
    """
    counts = Counts()
    if not names:
        return counts, {}
    redirects = dict(
        EntityRedirect.objects.filter(old_slug__in=list(names)).values_list(
            "old_slug", "target__slug"
        )
    )
    wanted = {redirects.get(slug, slug)[:200]: name for slug, name in names.items()}
    guessed = {redirects.get(slug, slug)[:200] for slug in inferred}
    stored = {entity.slug: entity for entity in Entity.objects.filter(slug__in=list(wanted))}
    renamed = entities_renamed_by_editors([entity.pk for entity in stored.values()])
    to_create, to_update = [], []
    for slug, name in wanted.items():
        entity = stored.get(slug)
        if entity is None:
            to_create.append(
                Entity(slug=slug, name=(name or name_from_slug(slug))[:300], **provenance.fields())
            )
            counts.created += 1
        elif (
            name
            and entity.name != name
            and entity.source == provenance.source
            and entity.pk not in renamed
            and (slug not in guessed or entity.name == name_from_slug(slug))
        ):
            entity.name = name[:300]
            entity.modified_at = timezone.now()
            to_update.append(entity)
            counts.updated += 1
        else:
            counts.unchanged += 1
    Entity.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        Entity.objects.bulk_update(to_update, ["name", "modified_at"], batch_size=BATCH_SIZE)
    ids = dict(Entity.objects.filter(slug__in=list(wanted)).values_list("slug", "id"))
    return counts, {slug: ids[redirects.get(slug, slug)[:200]] for slug in names}


def add_report_links(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Link reports to incidents ((report number, incident id) pairs); return the links that
    were added. Pairs naming a report or incident that does not exist are ignored."""
    wanted = set(pairs)
    if not wanted:
        return set()
    through = Report.incidents.through
    incident_ids = {incident for _, incident in wanted}
    report_numbers = {report for report, _ in wanted}
    present_incidents = set(
        Incident.objects.filter(id__in=incident_ids).values_list("id", flat=True)
    )
    present_reports = set(
        Report.objects.filter(number__in=report_numbers).values_list("number", flat=True)
    )
    stored = set(
        through.objects.filter(incident_id__in=incident_ids).values_list("report_id", "incident_id")
    )
    added = {
        (report, incident)
        for report, incident in wanted - stored
        if report in present_reports and incident in present_incidents
    }
    through.objects.bulk_create(
        [through(report_id=report, incident_id=incident) for report, incident in sorted(added)],
        batch_size=BATCH_SIZE * 4,
        ignore_conflicts=True,
    )
    return added


def add_entity_roles(triples: Iterable[tuple[int, int, str]]) -> set[int]:
    """Add (incident id, entity id, role) links; return the incidents that gained one."""
    wanted = set(triples)
    if not wanted:
        return set()
    incident_ids = {incident for incident, _, _ in wanted}
    stored = set(
        IncidentEntity.objects.filter(incident_id__in=incident_ids).values_list(
            "incident_id", "entity_id", "role"
        )
    )
    added = sorted(wanted - stored)
    IncidentEntity.objects.bulk_create(
        [IncidentEntity(incident_id=i, entity_id=e, role=r) for i, e, r in added],
        batch_size=BATCH_SIZE * 4,
        ignore_conflicts=True,
    )
    return {incident for incident, _, _ in added}


# With no rows at all the sequence restarts at 1 (is_called false); otherwise at high + 1.
SEQUENCE_RESET_SQL = """
SELECT setval(pg_get_serial_sequence(%(table)s, %(column)s), %(value)s, %(is_called)s)
"""


def reset_id_sequences() -> dict[str, int]:
    """Point the incident and report id sequences at the highest id in use, so that the next
    new incident is max + 1 (as in the AIID). Ids kept alive by redirects count as in use.
    Returns the next id of each."""
    incident_high = max(
        Incident.objects.aggregate(high=models.Max("id"))["high"] or 0,
        IncidentRedirect.objects.aggregate(high=models.Max("old_id"))["high"] or 0,
    )
    report_high = Report.objects.aggregate(high=models.Max("number"))["high"] or 0
    with connection.cursor() as cursor:
        for table, column, high in (
            (Incident._meta.db_table, "id", incident_high),
            (Report._meta.db_table, "number", report_high),
        ):
            cursor.execute(
                SEQUENCE_RESET_SQL,
                {"table": table, "column": column, "value": max(high, 1), "is_called": high > 0},
            )
    return {"incident": incident_high + 1, "report": report_high + 1}


def analyze_catalog_tables() -> None:
    """Refresh the planner statistics of the catalog tables after a bulk load.

    The search-document refresh joins reports, links, entities and classifications; on
    freshly loaded tables the planner still believes them empty and picks nested scans that
    cost minutes instead of seconds. ANALYZE samples the tables (cheap) and is allowed inside
    the import's transaction.
    """
    bulk_loaded = (
        Incident,
        Report,
        Report.incidents.through,
        IncidentEntity,
        Entity,
        Classification,
        ClassificationValue,
    )
    tables = [model._meta.db_table for model in bulk_loaded]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
