"""Issue 17 in a real browser: following a merged id, filtering by entity name, drilling into
a taxonomy chart, and pages that fit a 390 px phone without sideways scrolling."""

from __future__ import annotations

import re

import pytest

from incidents.models import IncidentRedirect
from tests.factories.catalog import IncidentEntityFactory, TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_following_a_merged_id_lands_on_the_incident_with_a_notice(page):
    from playwright.sync_api import expect

    target = IncidentFactory(title="Chatbot invents court cases")
    IncidentRedirect.objects.create(old_id=342, target=target)

    page.goto("/incidents/342/")

    expect(page).to_have_url(re.compile(rf"/incidents/{target.id}/\?merged_from=342$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Chatbot invents court cases")
    expect(page.get_by_role("status")).to_have_text("Incident 342 was merged into this one.")


def test_filtering_the_incident_list_by_entity_name(page):
    from playwright.sync_api import expect

    wanted = IncidentFactory(title="Grok repeats a false claim")
    IncidentEntityFactory(incident=wanted, entity=EntityFactory(slug="xai", name="xAI"))
    IncidentFactory(title="Robot blocks crosswalk")

    page.goto("/incidents/")
    page.get_by_label("Entity").fill("XAI")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("link", name="Grok repeats a false claim")).to_be_visible()
    expect(page.get_by_role("link", name="Robot blocks crosswalk")).to_have_count(0)
    expect(page.get_by_text("1 incident match these filters")).to_be_visible()


def test_a_taxonomy_chart_bar_drills_into_the_incident_list(page):
    from playwright.sync_api import expect

    mit = TaxonomyFactory(namespace="MIT", name="MIT AI Risk Repository")
    intentional = IncidentFactory(title="Deepfake used in a scam")
    classify(intentional, mit, {"Intent": "Intentional"})
    classify(IncidentFactory(title="Shuttle hits a truck"), mit, {"Intent": "Unintentional"})

    page.goto("/taxonomies/MIT/")
    page.locator("svg.bar-chart a").first.click()

    expect(page).to_have_url(re.compile(r"/incidents/\?taxonomy=MIT%3AIntent%3AIntentional$"))
    expect(page.get_by_role("link", name="Deepfake used in a scam")).to_be_visible()
    expect(page.get_by_role("link", name="Shuttle hits a truck")).to_have_count(0)
    expect(page.get_by_role("checkbox", name=re.compile("^Intentional"))).to_be_checked()


def test_public_pages_fit_a_phone_without_sideways_scrolling(page):
    mit = TaxonomyFactory(namespace="MIT", name="MIT AI Risk Repository")
    incident = IncidentFactory(title="A very long incident title " * 4)
    IncidentEntityFactory(
        incident=incident,
        entity=EntityFactory(slug="agency", name="Dutch Tax and Customs Administration"),
    )
    for number in range(25):
        ReportFactory(source_domain=f"news{number}.example.com").incidents.add(incident)
    classify(incident, mit, {"Risk Subdomain": "2.1. Compromise of privacy by obtaining data"})
    page.set_viewport_size({"width": 390, "height": 844})

    wide = {}
    for path in ["/", "/incidents/", f"/incidents/{incident.id}/", "/taxonomies/MIT/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}
