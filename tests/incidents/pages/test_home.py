import pytest

from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_it_shows_counts_and_latest_records(client):
    IncidentFactory(title="Chatbot invents court cases")
    ReportFactory(title="Lawyers fined for fake citations")
    EntityFactory()

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="stat-number">1</span> <span class="stat-label">incident</span>' in html
    assert '<span class="stat-number">1</span> <span class="stat-label">report</span>' in html
    assert '<span class="stat-number">1</span> <span class="stat-label">entity</span>' in html
    assert "Chatbot invents court cases" in html
    assert "Lawyers fined for fake citations" in html


def test_it_has_a_skip_link_and_landmarks(client):
    html = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main">' in html
    assert '<nav aria-label="Main">' in html


def test_it_has_no_inline_script_or_style(client):
    incident = IncidentFactory()
    ReportFactory().incidents.add(incident)

    for url in ("/", "/incidents/", f"/incidents/{incident.id}/", "/entities/", "/taxonomies/"):
        html = client.get(url).content.decode()
        assert "<script" not in html, url
        assert " style=" not in html, url
        assert "<style" not in html, url
