"""Writing classifications: a taxonomy's values for one incident or one report.

One write path, used by editors (`classification_upsert`; the admin's inline value forms end
in `classification_refresh_facets`) and by bulk loads such as the AIID importer and the demo
data (`classifications_upsert_many`). Values are checked against their `TaxonomyField` (a known
field, a value of its display type, one of its permitted values), empty values are dropped, and
`Classification.facets` is rewritten from the values in the same transaction, so the two never
disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.facets import classification_facets
from incidents.indexing import schedule_reindex
from incidents.models import (
    Classification,
    ClassificationValue,
    DisplayType,
    Incident,
    Report,
    Taxonomy,
    TaxonomyField,
)
from incidents.visibility import field_is_public
from registry.models import User
from registry.workflow import audit

# Display types whose values make useful facets ("Namespace:field:value"); free text does not.
FACET_DISPLAY_TYPES = frozenset(
    {
        DisplayType.ENUM,
        DisplayType.MULTI,
        DisplayType.LIST,
        DisplayType.BOOL,
        DisplayType.INT,
        DisplayType.STRING,
        DisplayType.DATE,
        DisplayType.LOCATION,
    }
)
LIST_DISPLAY_TYPES = frozenset({DisplayType.MULTI, DisplayType.LIST})
TRUE_WORDS = frozenset({"true", "yes"})
FALSE_WORDS = frozenset({"false", "no"})

SubjectKey = tuple[str, int]  # ("incident", id) or ("report", number)


class InvalidClassificationValue(ValueError):
    """A value that its taxonomy field does not accept."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field_name = field_name


@dataclass(frozen=True)
class ClassificationInput:
    """The wanted state of one classification. `notes=None` keeps the stored notes."""

    values: Mapping[str, Any]
    incident_id: int | None = None
    report_id: int | None = None
    publish: bool = True
    notes: str | None = None

    @property
    def subject(self) -> SubjectKey:
        if (self.incident_id is None) == (self.report_id is None):
            raise ValueError("a classification is of exactly one incident or one report")
        if self.incident_id is not None:
            return ("incident", self.incident_id)
        return ("report", self.report_id)  # type: ignore[return-value]


@dataclass
class ClassificationWriteResult:
    created: list[SubjectKey] = field(default_factory=list)
    updated: list[SubjectKey] = field(default_factory=list)
    unchanged: list[SubjectKey] = field(default_factory=list)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _clean_list(taxonomy_field: TaxonomyField, value: Any) -> list[str]:
    name = taxonomy_field.short_name
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidClassificationValue(name, f"{value!r} is not a list")
    cleaned: list[str] = []
    for item in items:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise InvalidClassificationValue(name, f"{item!r} is not a text value")
        text = str(item).strip()
        if text and text not in cleaned:
            cleaned.append(text)
    permitted = taxonomy_field.permitted_values or []
    unknown = [item for item in cleaned if permitted and item not in permitted]
    if unknown:
        raise InvalidClassificationValue(name, f"{unknown[0]!r} is not one of its permitted values")
    return cleaned


def _clean_one(taxonomy_field: TaxonomyField, value: Any) -> Any:
    name = taxonomy_field.short_name
    display = taxonomy_field.display_type
    if display in LIST_DISPLAY_TYPES:
        return _clean_list(taxonomy_field, value)
    if display == DisplayType.BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS | FALSE_WORDS:
            return text in TRUE_WORDS
        raise InvalidClassificationValue(name, f"{value!r} is not yes or no")
    if display == DisplayType.INT:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.lstrip("+-").isdigit():
            return int(text)
        raise InvalidClassificationValue(name, f"{value!r} is not a whole number")
    if display == DisplayType.DATE:
        text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidClassificationValue(name, f"{value!r} is not a date") from None
    if display == DisplayType.OBJECT_LIST:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise InvalidClassificationValue(name, f"{value!r} is not a list of objects")
        return value
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidClassificationValue(name, f"{value!r} is not a text value")
    text = str(value).strip()
    permitted = taxonomy_field.permitted_values or []
    if permitted and text and text not in permitted:
        raise InvalidClassificationValue(name, f"{text!r} is not one of its permitted values")
    return text


def classification_values_clean(
    *, fields: Mapping[str, TaxonomyField], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The values as stored: checked against their fields, empty ones dropped.

    Raises InvalidClassificationValue for an unknown field, a value of the wrong type, a value
    outside the field's permitted values, or a missing required field.
    """
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        taxonomy_field = fields.get(name)
        if taxonomy_field is None:
            raise InvalidClassificationValue(name, "no such field in this taxonomy")
        if _is_empty(value):
            continue
        value = _clean_one(taxonomy_field, value)
        if not _is_empty(value):
            cleaned[name] = value
    for name, taxonomy_field in fields.items():
        if taxonomy_field.required and name not in cleaned:
            raise InvalidClassificationValue(name, "a value is required")
    return cleaned


def classification_facets_of(
    *, taxonomy: Taxonomy, fields: Mapping[str, TaxonomyField], values: Mapping[str, Any]
) -> list[str]:
    """The facet strings of cleaned values: public fields of a facet-able display type."""
    return classification_facets(
        taxonomy.namespace,
        {
            name: value
            for name, value in values.items()
            if name in fields
            and field_is_public(fields[name])
            and fields[name].display_type in FACET_DISPLAY_TYPES
        },
    )


def taxonomy_fields_by_name(taxonomy: Taxonomy) -> dict[str, TaxonomyField]:
    return {f.short_name: f for f in TaxonomyField.objects.filter(taxonomy=taxonomy)}


def classifications_upsert_many(
    *,
    taxonomy: Taxonomy,
    items: Sequence[ClassificationInput],
    provenance: Mapping[str, str] | None = None,
) -> ClassificationWriteResult:
    """Create or update the classifications of many subjects in `taxonomy`, in bulk.

    Every item's values are cleaned first (InvalidClassificationValue aborts before anything
    is written). Only classifications whose publish flag, notes, provenance or values differ
    are written; their value rows are replaced. `provenance` (source, source_license,
    source_attribution), when given, is recorded on the written classifications. No audit and
    no reindex here: bulk callers reindex their subjects in one pass (the importer does);
    `classification_upsert` does both for a single write.
    """
    result = ClassificationWriteResult()
    if not items:
        return result
    fields = taxonomy_fields_by_name(taxonomy)
    by_id = {f.id: f.short_name for f in fields.values()}
    wanted: dict[SubjectKey, tuple[ClassificationInput, dict[str, Any]]] = {
        item.subject: (item, classification_values_clean(fields=fields, values=item.values))
        for item in items
    }
    stored = _stored_classifications(taxonomy, list(wanted))
    stored_values: dict[int, dict[str, Any]] = {}
    for classification_id, field_id, value in ClassificationValue.objects.filter(
        classification_id__in=[c.id for c in stored.values()]
    ).values_list("classification_id", "field_id", "value"):
        stored_values.setdefault(classification_id, {})[by_id[field_id]] = value

    prov = dict(provenance or {})
    now = timezone.now()
    to_create: list[Classification] = []
    to_update: list[Classification] = []
    for key, (item, values) in wanted.items():
        facets = classification_facets_of(taxonomy=taxonomy, fields=fields, values=values)
        current = stored.get(key)
        if current is None:
            to_create.append(
                Classification(
                    taxonomy=taxonomy,
                    incident_id=item.incident_id,
                    report_id=item.report_id,
                    publish=item.publish,
                    notes=item.notes or "",
                    facets=facets,
                    **prov,
                )
            )
            result.created.append(key)
            continue
        notes = current.notes if item.notes is None else item.notes
        if (
            current.publish == item.publish
            and current.notes == notes
            and current.facets == facets
            and all(getattr(current, name) == value for name, value in prov.items())
            and stored_values.get(current.id, {}) == values
        ):
            result.unchanged.append(key)
            continue
        current.publish, current.notes, current.facets = item.publish, notes, facets
        current.modified_at = now
        for name, value in prov.items():
            setattr(current, name, value)
        to_update.append(current)
        result.updated.append(key)

    Classification.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Classification.objects.bulk_update(
            to_update, ["publish", "notes", "facets", "modified_at", *prov], batch_size=500
        )
        ClassificationValue.objects.filter(classification__in=to_update).delete()
    ClassificationValue.objects.bulk_create(
        [
            ClassificationValue(classification=classification, field=fields[name], value=value)
            for classification in [*to_create, *to_update]
            for name, value in wanted[_key_of(classification)][1].items()
        ],
        batch_size=2000,
    )
    return result


def _key_of(classification: Classification) -> SubjectKey:
    if classification.incident_id is not None:
        return ("incident", classification.incident_id)
    return ("report", classification.report_id)  # type: ignore[return-value]


def _stored_classifications(
    taxonomy: Taxonomy, keys: list[SubjectKey]
) -> dict[SubjectKey, Classification]:
    incident_ids = [pk for kind, pk in keys if kind == "incident"]
    report_ids = [pk for kind, pk in keys if kind == "report"]
    stored: dict[SubjectKey, Classification] = {}
    for classification in Classification.objects.filter(taxonomy=taxonomy).filter(
        Q(incident_id__in=incident_ids) | Q(report_id__in=report_ids)
    ):
        stored[_key_of(classification)] = classification
    return stored


def classification_upsert(
    *,
    taxonomy: Taxonomy,
    values: Mapping[str, Any],
    incident: Incident | None = None,
    report: Report | None = None,
    publish: bool = True,
    notes: str | None = None,
    actor: User | None = None,
) -> Classification:
    """Set the classification of one incident or report in `taxonomy` (an editor's write).

    Atomic: locks the stored classification, validates and writes the values and facets,
    records an audit event ("classification.create" / "classification.update") when anything
    changed, and schedules the subject's search reindex on commit. Raises
    InvalidClassificationValue (nothing written) for a value the taxonomy does not accept.
    """
    item = ClassificationInput(
        values=values,
        incident_id=incident.pk if incident is not None else None,
        report_id=report.pk if report is not None else None,
        publish=publish,
        notes=notes,
    )
    kind, pk = item.subject
    lookup = {"incident_id": pk} if kind == "incident" else {"report_id": pk}
    with transaction.atomic():
        before = (
            Classification.objects.select_for_update().filter(taxonomy=taxonomy, **lookup).first()
        )
        result = classifications_upsert_many(taxonomy=taxonomy, items=[item])
        classification = Classification.objects.get(taxonomy=taxonomy, **lookup)
        if result.unchanged:
            return classification
        audit(
            actor=actor,
            subject=classification,
            action="classification.create" if before is None else "classification.update",
            data={"taxonomy": taxonomy.namespace, kind: pk, "facets": classification.facets},
        )
        if kind == "incident":
            schedule_reindex(incident_ids=[pk])
        else:
            schedule_reindex(report_numbers=[pk])
    return classification


def classification_refresh_facets(*, classification: Classification) -> Classification:
    """Recompute the denormalised `facets` from the classification's stored values and save
    them (for writes that changed ClassificationValue rows directly, such as the admin's
    inline forms). Schedules a reindex of the classified incident or report on commit.
    """
    fields = taxonomy_fields_by_name(classification.taxonomy)
    by_id = {f.id: f.short_name for f in fields.values()}
    values = {
        by_id[field_id]: value
        for field_id, value in classification.values.values_list("field_id", "value")
        if not _is_empty(value)
    }
    classification.facets = classification_facets_of(
        taxonomy=classification.taxonomy, fields=fields, values=values
    )
    classification.save(update_fields=["facets", "modified_at"])
    schedule_reindex(
        incident_ids=[classification.incident_id] if classification.incident_id else [],
        report_numbers=[classification.report_id] if classification.report_id else [],
    )
    return classification
