"""A visitor follows the join in a real browser: incident -> system -> disclosure."""

import datetime

import pytest

from emissions.services.system_links import system_link_create
from tests.emissions.conftest import make_disclosure
from tests.factories.catalog import IncidentEntityFactory
from tests.factories.incidents import EntityFactory, IncidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_follows_an_incident_to_its_system_and_the_models_disclosure(page, world):
    from playwright.sync_api import expect

    system = EntityFactory(slug="chatgpt", name="ChatGPT")
    incident = IncidentFactory(
        title="Lawyers file a brief citing invented cases", date=datetime.date(2023, 5, 1)
    )
    IncidentEntityFactory(incident=incident, entity=system, role="implicated_system")
    gpt3 = make_disclosure(world, "verified", model_name="GPT-3", model_version="175B")
    for disclosure, relation, name in (
        (None, "fine_tuned_from", "GPT-3.5"),
        (gpt3, "same_family", ""),
    ):
        system_link_create(
            actor=world.editor,
            system_id=system.pk,
            relation=relation,
            model_name=name,
            disclosure_id=disclosure.pk if disclosure else None,
            source="https://example.org/announcement",
        )

    page.goto(f"/incidents/{incident.pk}/")
    expect(page.locator("#training-footprints-heading")).to_have_text(
        "Training footprints of the AI systems involved"
    )
    page.click("text=ChatGPT: incidents and footprint")

    expect(page).to_have_url(f"{page.url.split('/systems/')[0]}/systems/chatgpt/")
    expect(page.locator("h1")).to_have_text("ChatGPT")
    expect(page.locator(".system-footprints li").first).to_have_text(
        "ChatGPT is fine-tuned from GPT-3.5; no verified disclosure for GPT-3.5"
    )
    expect(page.locator("svg.chart title").first).to_have_text("Incidents per year")
    page.locator(".system-footprints").get_by_role("link", name="GPT-3 175B").click()

    expect(page).to_have_url(f"{page.url.split('/disclosures/')[0]}/disclosures/{gpt3.pk}/")
    expect(page.locator("h1")).to_have_text("GPT-3 175B")
