"""Shared data for the security tests: the catalog with a hostile string in every text field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from incidents.models import Entity, Incident, IncidentEntity, Report
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.security.corpus import XSS_PAYLOADS


@dataclass
class HostileCatalog:
    incidents: list[Incident]
    reports: list[Report]
    entities: list[Entity]


@pytest.fixture
def hostile_catalog(db) -> HostileCatalog:  # noqa: ANN001
    """One incident, report and entity per payload, the payload in every text they show."""
    incidents, reports, entities = [], [], []
    for n, payload in enumerate(XSS_PAYLOADS):
        incident = IncidentFactory(
            title=payload.text, description=f"{payload.text}\n\n{payload.attack}"
        )
        report = ReportFactory(
            title=payload.text,
            text=f"{payload.text}\n\n{payload.attack}",
            description=payload.text,
            authors=[payload.text[:200]],
            submitters=[payload.text[:200]],
            tags=[payload.marker],
            url=f"https://news.example.com/{n}?q={payload.marker}",
        )
        report.incidents.add(incident)
        entity = EntityFactory(slug=f"hostile-{n}", name=payload.text[:300])
        IncidentEntity.objects.create(incident=incident, entity=entity, role="deployer")
        incidents.append(incident)
        reports.append(report)
        entities.append(entity)
    return HostileCatalog(incidents=incidents, reports=reports, entities=entities)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # noqa: ANN001
    # The world fixture creates seven users; the deliberately slow hasher only slows tests here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
