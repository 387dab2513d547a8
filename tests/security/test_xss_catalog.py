"""The XSS corpus in every catalog text field stays inert on every page, feed and API answer."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from incidents.models import Report
from tests.factories.incidents import IncidentFactory, ReportFactory
from tests.security.corpus import (
    URL_PAYLOADS,
    XSS_PAYLOADS,
    assert_inert,
    assert_shows_markers,
    is_dangerous_url,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def html_of(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_it_keeps_the_corpus_inert_on_the_home_page(client, hostile_catalog):
    assert_inert(html_of(client, "/"))


def test_it_keeps_the_corpus_inert_on_the_incident_list(client, hostile_catalog):
    html = html_of(client, "/incidents/")
    assert_inert(html)
    assert_shows_markers(html)


def test_it_keeps_the_corpus_inert_on_every_incident_page(client, hostile_catalog):
    for incident in hostile_catalog.incidents:
        html = html_of(client, f"/incidents/{incident.id}/")
        assert_inert(html)
    assert_shows_markers(
        "".join(html_of(client, f"/incidents/{i.id}/") for i in hostile_catalog.incidents)
    )


def test_it_keeps_the_corpus_inert_on_every_report_page(client, hostile_catalog):
    pages = [html_of(client, f"/reports/{r.number}/") for r in hostile_catalog.reports]
    for html in pages:
        assert_inert(html)
    assert_shows_markers("".join(pages))


def test_it_keeps_the_corpus_inert_on_the_entity_list_and_pages(client, hostile_catalog):
    pages = [html_of(client, "/entities/")]
    pages += [html_of(client, f"/entities/{e.slug}/") for e in hostile_catalog.entities]
    for html in pages:
        assert_inert(html)
    assert_shows_markers(pages[0], tuple(p for p in XSS_PAYLOADS))


def test_it_escapes_latex_commands_in_the_bibtex_citation(client, hostile_catalog):
    latex = next(i for i in hostile_catalog.incidents if i.title.startswith("xsslatex"))
    response = client.get(f"/incidents/{latex.id}/cite.bib")
    body = response.content.decode()
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert "\\input{" not in body
    assert "\\write18{" not in body
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in body


@pytest.mark.parametrize("feed", ["incidents", "reports"])
def test_it_keeps_the_corpus_as_text_in_the_atom_feeds(client, hostile_catalog, feed):
    response = client.get(f"/feeds/{feed}.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(XSS_PAYLOADS)
    for entry in entries:
        # Titles are text; summaries are HTML that a reader renders: both must hold no markup.
        title = entry.find(f"{ATOM}title").text or ""
        summary = entry.find(f"{ATOM}summary").text or ""
        assert_inert(summary)
        assert "<" not in summary.replace("&lt;", "")
        assert_inert(title.replace("<", "&lt;"))
    assert_shows_markers(response.content.decode())


@pytest.mark.parametrize("resource", ["incidents", "reports", "entities"])
def test_it_serves_the_corpus_as_json_data_not_html(client, hostile_catalog, resource):
    response = client.get(f"/api/v1/{resource}/", {"page_size": 100})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = json.loads(response.content)
    assert_shows_markers(json.dumps(body, ensure_ascii=False))


def test_it_serves_api_errors_with_user_text_as_json(client):
    response = client.get("/api/v1/incidents/", {"sort": "<script>alert(1)</script>"})
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", URL_PAYLOADS)
def test_it_never_links_a_report_url_with_a_script_scheme(client, url):
    # Imported records skip form validation: the page itself must not make the URL a link.
    report = ReportFactory(url=url, image_url=url)
    incident = IncidentFactory()
    report.incidents.add(incident)
    for page in (f"/reports/{report.number}/", f"/incidents/{incident.id}/"):
        assert_inert(html_of(client, page))


def test_it_refuses_a_script_url_in_the_report_model_validation():
    report = Report(url="javascript:alert(1)", title="x")
    with pytest.raises(Exception, match="Enter a valid URL"):
        report.full_clean(exclude=["incidents"])


def test_it_treats_spaced_or_cased_script_urls_as_dangerous():
    assert [is_dangerous_url(u) for u in URL_PAYLOADS] == [True] * len(URL_PAYLOADS)


@pytest.mark.parametrize(
    "resource",
    [
        "incidents",
        "reports",
        "entities",
        "taxonomies",
        "disclosures",
        "venues",
        "submissions",
        "search",
    ],
)
def test_it_never_renders_the_api_as_html_even_when_a_browser_asks(
    client, hostile_catalog, resource
):
    for params in ({}, {"format": "api"}):
        response = client.get(f"/api/v1/{resource}/", params, HTTP_ACCEPT="text/html")
        assert response["Content-Type"] == "application/json"


def test_it_shows_template_looking_text_literally(client, hostile_catalog):
    incident = next(i for i in hostile_catalog.incidents if i.title.startswith("xsstemplate"))
    html = html_of(client, f"/incidents/{incident.id}/")
    assert "{{ request.user.password }} {% debug %} {{7*7}}" in html
