"""One flow end to end in Chromium: a visitor submits, an editor accepts it into an existing
incident, the visitor's status page links the incident."""

import pytest
from django.test import Client

from tests.factories.accounts import UserFactory
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import ARTICLE_TEXT


def logged_in_context(chromium, live_server, user):
    client = Client()
    client.force_login(user)
    context = chromium.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_a_visitors_report_through_an_editor_to_the_status_page(
    page, chromium, live_server
):
    incident = IncidentFactory(title="Delivery robots endanger pedestrians")
    editor = UserFactory(username="edna", role="editor")

    page.goto("/submit/")
    page.fill("#id_url", "https://news.example.org/2024/03/robot-crosswalk")
    page.fill("#id_title", "Delivery robot drives into crowded crosswalk")
    page.fill("#id_text", ARTICLE_TEXT)
    page.fill("#id_authors", "Jane Reporter")
    page.fill("#id_date_published", "2024-03-05")
    page.fill("#id_incident_ids", str(incident.pk))
    page.click("button[type=submit]")
    page.click("#status-link")
    status_url = page.url
    assert page.locator(".submission-state").inner_text() == "Received"

    editor_context = logged_in_context(chromium, live_server, editor)
    editor_page = editor_context.new_page()
    editor_page.goto("/submit/queue/")
    editor_page.click("text=Delivery robot drives into crowded crosswalk")
    editor_page.click("button:text('Claim')")
    editor_page.select_option("#accept-form select[name=action]", "accept_existing")
    editor_page.click("#accept-form button[type=submit]")
    assert "accepted" in editor_page.locator(".messages").inner_text()
    editor_context.close()

    page.goto(status_url)
    link = page.locator(f"a[href='/incidents/{incident.pk}/']")
    assert (page.locator(".submission-state").inner_text(), link.inner_text()) == (
        "Accepted",
        f"Incident {incident.pk}: Delivery robots endanger pedestrians",
    )
