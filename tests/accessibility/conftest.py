"""Accessibility checks: axe-core (shipped inside axe-playwright-python) run through Playwright
in the `page` fixture's Chromium, and a sample catalog to show on the pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from emissions.models import Disclosure
from incidents.models import Entity, Incident, IncidentEntity, Report
from tests.factories.emissions import DisclosureFactory
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.factories.venues import RecomputationFactory

BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class SampleCatalog:
    incident: Incident
    report: Report
    entity: Entity
    disclosure: Disclosure


@pytest.fixture
def sample(world) -> SampleCatalog:  # noqa: ANN001
    incident = IncidentFactory(title="Delivery robot blocks a crosswalk")
    report = ReportFactory(
        title="Robot blocks crosswalk",
        text="## What happened\n\nA delivery robot stopped on a **crosswalk**.\n\n"
        "- pedestrians waited\n- a wheelchair user could not pass\n\n"
        "[The city's statement](https://city.example.org/statement)",
    )
    report.incidents.add(incident)
    entity = EntityFactory(slug="robo-deliveries", name="Robo Deliveries")
    IncidentEntity.objects.create(incident=incident, entity=entity, role="deployer")
    disclosure = DisclosureFactory(owner=world.researcher, state="verified", model_name="T5")
    RecomputationFactory(disclosure=disclosure)
    return SampleCatalog(incident=incident, report=report, entity=entity, disclosure=disclosure)


def blocking_violations(page) -> list[str]:  # noqa: ANN001
    """axe-core's serious and critical violations on the page, one line per rule and node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {node['target']}")
    return lines


def log_in(page, live_server, client, user) -> None:  # noqa: ANN001
    """Give the browser the session of `user` (logged in through the test client)."""
    from django.conf import settings

    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
