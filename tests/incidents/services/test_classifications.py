"""The classifications service: values checked against their fields, facets kept in step."""

from __future__ import annotations

import pytest

from incidents.models import Classification, ClassificationValue, Taxonomy, TaxonomyField
from incidents.services.classifications import (
    ClassificationInput,
    InvalidClassificationValue,
    classification_refresh_facets,
    classification_upsert,
    classification_values_clean,
    classifications_upsert_many,
    taxonomy_fields_by_name,
)
from registry.models import AuditEvent
from tests.factories.incidents import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy() -> Taxonomy:
    taxonomy = Taxonomy.objects.create(namespace="MIT")
    for weight, (name, display, permitted) in enumerate(
        [
            ("Entity", "enum", ["Human", "AI", "Other"]),
            ("Sectors", "list", []),
            ("Confirmed", "bool", []),
            ("Deaths", "int", []),
            ("Notes", "long_string", []),
            ("Internal", "string", []),
        ]
    ):
        TaxonomyField.objects.create(
            taxonomy=taxonomy,
            short_name=name,
            display_type=display,
            permitted_values=permitted,
            weight=weight,
            public=name != "Internal",
        )
    return taxonomy


def clean(taxonomy: Taxonomy, values: dict) -> dict:
    return classification_values_clean(fields=taxonomy_fields_by_name(taxonomy), values=values)


def test_it_accepts_a_permitted_value(taxonomy):
    assert clean(taxonomy, {"Entity": " AI "}) == {"Entity": "AI"}


def test_it_rejects_a_value_outside_the_permitted_values(taxonomy):
    with pytest.raises(InvalidClassificationValue, match="Entity: 'Robot' is not one of its"):
        clean(taxonomy, {"Entity": "Robot"})


def test_it_rejects_an_unknown_field(taxonomy):
    with pytest.raises(InvalidClassificationValue, match="Colour: no such field"):
        clean(taxonomy, {"Colour": "red"})


def test_it_drops_empty_values(taxonomy):
    assert clean(taxonomy, {"Entity": "", "Sectors": [], "Notes": None}) == {}


def test_it_reads_flags_numbers_and_lists(taxonomy):
    values = {"Confirmed": "yes", "Deaths": "3", "Sectors": ["transport", "transport", " health"]}
    assert clean(taxonomy, values) == {
        "Confirmed": True,
        "Deaths": 3,
        "Sectors": ["transport", "health"],
    }


def test_it_requires_a_required_field(taxonomy):
    TaxonomyField.objects.filter(short_name="Entity").update(required=True)
    with pytest.raises(InvalidClassificationValue, match="Entity: a value is required"):
        clean(taxonomy, {"Deaths": 1})


def test_it_writes_values_and_facets(taxonomy):
    incident = IncidentFactory()
    classification_upsert(
        taxonomy=taxonomy,
        incident=incident,
        values={
            "Entity": "AI",
            "Sectors": ["transport"],
            "Confirmed": False,
            "Notes": "long text",
            "Internal": "x",
        },
    )
    classification = Classification.objects.get()
    assert classification.facets == [
        "MIT:Confirmed:No",
        "MIT:Entity:AI",
        "MIT:Sectors:transport",
    ]
    assert dict(ClassificationValue.objects.values_list("field__short_name", "value")) == {
        "Entity": "AI",
        "Sectors": ["transport"],
        "Confirmed": False,
        "Notes": "long text",
        "Internal": "x",
    }


def test_it_audits_an_editors_change(taxonomy, world):
    incident = IncidentFactory()
    classification_upsert(taxonomy=taxonomy, incident=incident, values={"Entity": "AI"})
    classification_upsert(
        taxonomy=taxonomy, incident=incident, values={"Entity": "Human"}, actor=world.editor
    )
    event = AuditEvent.objects.filter(action="classification.update").get()
    assert (event.actor, event.data["facets"]) == (world.editor, ["MIT:Entity:Human"])


def test_it_writes_nothing_when_nothing_changed(taxonomy):
    incident = IncidentFactory()
    classification_upsert(taxonomy=taxonomy, incident=incident, values={"Entity": "AI"})
    classification_upsert(taxonomy=taxonomy, incident=incident, values={"Entity": "AI"})
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["classification.create"]


def test_it_keeps_notes_when_none_are_given(taxonomy):
    incident = IncidentFactory()
    items = [ClassificationInput(values={"Entity": "AI"}, incident_id=incident.id, notes="Why")]
    classifications_upsert_many(taxonomy=taxonomy, items=items)
    again = [ClassificationInput(values={"Entity": "AI"}, incident_id=incident.id)]
    result = classifications_upsert_many(taxonomy=taxonomy, items=again)
    assert (result.unchanged, Classification.objects.get().notes) == (
        [("incident", incident.id)],
        "Why",
    )


def test_it_refreshes_facets_after_values_were_edited_directly(taxonomy):
    incident = IncidentFactory()
    classification = classification_upsert(
        taxonomy=taxonomy, incident=incident, values={"Entity": "AI"}
    )
    ClassificationValue.objects.filter(classification=classification).update(value="Other")
    classification_refresh_facets(classification=classification)
    assert Classification.objects.get().facets == ["MIT:Entity:Other"]
