"""Factories for the catalog pages' tests: taxonomies, classifications, entity roles, links."""

from __future__ import annotations

from typing import Any

import factory

from incidents.facets import classification_facets
from incidents.models import (
    Classification,
    ClassificationValue,
    Incident,
    IncidentEntity,
    IncidentLink,
    Taxonomy,
    TaxonomyField,
)
from tests.factories.incidents import EntityFactory


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy
        django_get_or_create = ("namespace",)

    namespace = factory.Sequence(lambda n: f"TAX{n}")
    name = factory.LazyAttribute(lambda t: f"{t.namespace} taxonomy")


class TaxonomyFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyField
        django_get_or_create = ("taxonomy", "short_name")

    taxonomy = factory.SubFactory(TaxonomyFactory)
    short_name = factory.Sequence(lambda n: f"Field {n}")
    display_type = "enum"
    permitted_values = factory.LazyFunction(list)


class IncidentEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentEntity

    entity = factory.SubFactory(EntityFactory)
    role = "deployer"


class IncidentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentLink

    kind = "similar"


def classify(
    incident: Incident,
    taxonomy: Taxonomy,
    values: dict[str, Any],
    *,
    publish: bool = True,
    private_fields: tuple[str, ...] = (),
    internal_fields: tuple[str, ...] = (),
) -> Classification:
    """Classify `incident` with `values` ({field short name: value}), facets kept in step
    (internal fields have none, as the classification service writes them)."""
    classification = Classification.objects.create(
        taxonomy=taxonomy,
        incident=incident,
        publish=publish,
        facets=classification_facets(
            taxonomy.namespace, {k: v for k, v in values.items() if k not in internal_fields}
        ),
    )
    for short_name, value in values.items():
        field = TaxonomyFieldFactory(
            taxonomy=taxonomy,
            short_name=short_name,
            public=short_name not in private_fields,
            internal=short_name in internal_fields,
        )
        ClassificationValue.objects.create(classification=classification, field=field, value=value)
    return classification
