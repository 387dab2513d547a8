import xml.etree.ElementTree as ET

import pytest

from tests.factories.incidents import IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test


def test_it_serves_new_incidents_as_atom(client):
    incident = IncidentFactory(title="Chatbot invents court cases")

    response = client.get("/feeds/incidents.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_feed(response)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == f"Incident {incident.id}: Chatbot invents court cases"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/incidents/{incident.id}/"


def test_it_serves_new_reports_as_atom(client):
    report = ReportFactory(title="Face match error", authors=["Kashmir Hill"])

    feed = parse_feed(client.get("/feeds/reports.atom"))

    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Face match error"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Kashmir Hill"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/reports/{report.number}/"


def test_it_escapes_hostile_text_in_feed_summaries(client):
    ReportFactory(description="", text="<script>alert(1)</script>Harmless words")

    feed = parse_feed(client.get("/feeds/reports.atom"))

    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Harmless words"


def test_it_keeps_angle_brackets_escaped_as_html_in_summaries(client):
    IncidentFactory(description="A <b> tag & an ampersand")

    feed = parse_feed(client.get("/feeds/incidents.atom"))

    assert feed.find(f"{ATOM}entry/{ATOM}summary").text == "A tag &amp; an ampersand"
