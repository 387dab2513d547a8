"""A small catalog for API and dataset tests: incidents with entities in roles, reports shared
between incidents, an MIT-like taxonomy (one hidden field) and classifications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from incidents.facets import classification_facets
from incidents.models import (
    Classification,
    ClassificationValue,
    Entity,
    EntityRole,
    Incident,
    IncidentEntity,
    Report,
    Taxonomy,
    TaxonomyField,
)
from incidents.normalise import normalise_url, source_domain

RISK_DOMAIN = "7. AI system safety, failures, and limitations"


@dataclass
class Catalog:
    incidents: list[Incident] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None


def make_entity(slug: str, name: str | None = None) -> Entity:
    entity, _ = Entity.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title()}
    )
    return entity


def make_incident(
    title: str,
    *,
    date: datetime.date | None = datetime.date(2020, 1, 15),
    roles: dict[str, list[str]] | None = None,
    **fields: Any,
) -> Incident:
    incident = Incident.objects.create(title=title, date=date, **fields)
    for role, slugs in (roles or {}).items():
        for slug in slugs:
            IncidentEntity.objects.create(incident=incident, entity=make_entity(slug), role=role)
    return incident


def make_report(title: str, *, url: str, incidents: list[Incident] = (), **fields: Any) -> Report:
    fields.setdefault("date_published", datetime.date(2020, 1, 20))
    report = Report.objects.create(
        title=title,
        url=url,
        url_normalised=normalise_url(url),
        source_domain=source_domain(url),
        **fields,
    )
    report.incidents.set(incidents)
    return report


def make_taxonomy(namespace: str = "MIT") -> Taxonomy:
    taxonomy = Taxonomy.objects.create(namespace=namespace, name=f"{namespace} taxonomy")
    TaxonomyField.objects.create(
        taxonomy=taxonomy, short_name="Risk Domain", display_type="enum", weight=1
    )
    TaxonomyField.objects.create(taxonomy=taxonomy, short_name="Intent", weight=2)
    TaxonomyField.objects.create(
        taxonomy=taxonomy, short_name="Annotator notes", weight=3, public=False
    )
    return taxonomy


def classify(
    taxonomy: Taxonomy,
    values: dict[str, Any],
    *,
    incident: Incident | None = None,
    report: Report | None = None,
    publish: bool = True,
) -> Classification:
    classification = Classification.objects.create(
        taxonomy=taxonomy,
        incident=incident,
        report=report,
        publish=publish,
        facets=classification_facets(taxonomy.namespace, values),
    )
    fields = {f.short_name: f for f in taxonomy.fields.all()}
    for name, value in values.items():
        ClassificationValue.objects.create(
            classification=classification, field=fields[name], value=value
        )
    return classification


def build_catalog() -> Catalog:
    """Two incidents sharing a report, an issue, and MIT classifications."""
    catalog = Catalog()
    shuttle = make_incident(
        "Self-driving shuttle collides with a truck",
        date=datetime.date(2017, 11, 8),
        roles={
            EntityRole.DEPLOYER: ["keolis"],
            EntityRole.DEVELOPER: ["navya"],
            EntityRole.HARMED: ["bus-passengers"],
        },
        editors=["Sean McGregor"],
    )
    kids = make_incident(
        "Video app shows disturbing content to children",
        date=datetime.date(2015, 5, 19),
        roles={EntityRole.DEPLOYER: ["youtube"], EntityRole.HARMED: ["children"]},
    )
    catalog.incidents = [shuttle, kids]
    catalog.reports = [
        make_report(
            "Shuttle crash on first day",
            url="https://www.news.example.com/shuttle?utm_source=x",
            incidents=[shuttle],
            authors=["Ann Writer"],
            tags=["transport"],
        ),
        make_report(
            "Robots in the news this week",
            url="https://weekly.example.org/robots",
            incidents=[shuttle, kids],
            language="fr",
        ),
        make_report(
            "An issue with recommender systems",
            url="https://blog.example.net/issue",
            kind="issue",
            date_published=None,
        ),
    ]
    catalog.entities = {e.slug: e for e in Entity.objects.all()}
    taxonomy = make_taxonomy()
    catalog.taxonomy = taxonomy
    classify(
        taxonomy,
        {"Risk Domain": RISK_DOMAIN, "Intent": "Unintentional", "Annotator notes": "secret"},
        incident=shuttle,
    )
    classify(
        taxonomy, {"Risk Domain": "1. Discrimination and Toxicity"}, incident=kids, publish=False
    )
    return catalog
