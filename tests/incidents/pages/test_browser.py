import re

import pytest

from tests.factories.catalog import IncidentEntityFactory
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_browses_from_home_to_an_incident_to_an_entity(page):
    from playwright.sync_api import expect

    incident = IncidentFactory(title="Lawyers cite cases invented by a chatbot")
    IncidentEntityFactory(
        incident=incident, entity=EntityFactory(slug="openai", name="OpenAI"), role="developer"
    )
    ReportFactory(title="Fake citations in a court filing").incidents.add(incident)
    refused: list[str] = []  # Content-Security-Policy violations are logged as console errors
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    page.goto("/")
    page.get_by_role("link", name="Lawyers cite cases invented by a chatbot").click()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lawyers cite cases invented by a chatbot"
    )
    expect(page.get_by_role("link", name="Fake citations in a court filing")).to_be_visible()

    page.get_by_role("link", name="OpenAI").click()

    expect(page).to_have_url(re.compile(r"/entities/openai/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("OpenAI")
    expect(page.get_by_role("link", name=incident.title)).to_be_visible()
    assert refused == []
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
