"""Editors' changes to taxonomy field definitions (who may see a field, how it is shown)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidents.indexing import schedule_reindex
from incidents.models import Classification, ClassificationValue, TaxonomyField
from incidents.services.classifications import (
    _is_empty,
    classification_facets_of,
    taxonomy_fields_by_name,
)
from registry.models import User
from registry.workflow import audit

AUDITED_FIELDS = (
    "short_name", "long_name", "description", "display_type", "permitted_values", "weight",
    "instant_facet", "required", "public", "internal",
)  # fmt: skip
# A change to these decides which values are facets (public, filterable).
FACET_DEFINING = frozenset({"short_name", "display_type", "public", "internal"})


def taxonomy_field_snapshot(tax_field: TaxonomyField) -> dict[str, Any]:
    return {name: getattr(tax_field, name) for name in AUDITED_FIELDS}


@transaction.atomic
def taxonomy_field_record_change(
    *, actor: User | None, tax_field: TaxonomyField, before: dict[str, Any] | None
) -> None:
    """Record an editor's save of a field definition (already written by the admin form).

    Side effects: one `changed` (or `created`) AuditEvent with the diff; when the change
    decides which values are public facets (public, internal, name, display type), the facet
    arrays of the taxonomy's classifications are recomputed and their search documents
    refreshed on commit, so a field marked internal leaves filters and search at once.
    """
    after = taxonomy_field_snapshot(tax_field)
    changes = {
        name: {"from": (before or {}).get(name), "to": after[name]}
        for name in AUDITED_FIELDS
        if before is None or before.get(name) != after[name]
    }
    if before is not None and not changes:
        return
    audit(
        actor=actor,
        subject=tax_field,
        action="created" if before is None else "changed",
        data={"taxonomy": tax_field.taxonomy.namespace, "changes": changes},
    )
    if FACET_DEFINING & set(changes):
        _refresh_taxonomy_facets(tax_field)


def _refresh_taxonomy_facets(tax_field: TaxonomyField) -> None:
    taxonomy = tax_field.taxonomy
    fields = taxonomy_fields_by_name(taxonomy)
    names = {f.id: f.short_name for f in fields.values()}
    values: dict[int, dict[str, Any]] = {}
    for classification_id, field_id, value in ClassificationValue.objects.filter(
        classification__taxonomy=taxonomy
    ).values_list("classification_id", "field_id", "value"):
        if not _is_empty(value):
            values.setdefault(classification_id, {})[names[field_id]] = value
    changed = []
    for classification in Classification.objects.filter(taxonomy=taxonomy).only(
        "id", "facets", "incident_id", "report_id"
    ):
        facets = classification_facets_of(
            taxonomy=taxonomy, fields=fields, values=values.get(classification.id, {})
        )
        if facets != classification.facets:
            classification.facets = facets
            changed.append(classification)
    Classification.objects.bulk_update(changed, ["facets"], batch_size=500)
    schedule_reindex(
        incident_ids=[c.incident_id for c in changed if c.incident_id],
        report_numbers=[c.report_id for c in changed if c.report_id],
    )
