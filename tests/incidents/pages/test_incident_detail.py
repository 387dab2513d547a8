import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import IncidentRedirect
from tests.factories.catalog import (
    IncidentEntityFactory,
    IncidentLinkFactory,
    TaxonomyFactory,
    classify,
)
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def incident_with_reports(count: int):
    incident = IncidentFactory(title="Chatbot invents court cases")
    for n in range(count):
        report = ReportFactory(
            source_domain=f"outlet{n % 5}.example",
            date_published=datetime.date(2023, 1 + n % 12, 1 + n % 27),
            submitters=[f"Submitter {n}"],
        )
        report.incidents.add(incident)
        IncidentEntityFactory(incident=incident, entity=EntityFactory(), role="harmed")
    IncidentEntityFactory(incident=incident, role="deployer")
    classify(incident, TaxonomyFactory(namespace="MIT"), {"Risk Domain": "3. Misinformation"})
    IncidentLinkFactory(incident=incident, other=IncidentFactory())
    return incident


def test_it_shows_the_incident(client):
    incident = incident_with_reports(2)

    response = client.get(f"/incidents/{incident.id}/")

    assert response.status_code == 200
    assert "Chatbot invents court cases" in response.content.decode()


def test_it_answers_404_for_an_unknown_id(client):
    response = client.get("/incidents/999999/")

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_it_answers_404_for_an_id_too_large_for_the_database(client):
    assert client.get("/incidents/99999999999999999999/").status_code == 404


def test_it_redirects_a_merged_id_permanently(client):
    target = IncidentFactory()
    IncidentRedirect.objects.create(old_id=target.id + 100, target=target)

    response = client.get(f"/incidents/{target.id + 100}/")

    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{target.id}/?merged_from={target.id + 100}"


def test_it_follows_a_chain_of_merges_to_the_last_incident(client):
    middle, last = IncidentFactory(), IncidentFactory()
    IncidentRedirect.objects.create(old_id=middle.id, target=last)
    IncidentRedirect.objects.create(old_id=middle.id + 500, target=middle)

    response = client.get(f"/incidents/{middle.id + 500}/")

    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{last.id}/?merged_from={middle.id + 500}"


def test_it_stops_on_a_loop_of_redirects(client):
    a, b = IncidentFactory(), IncidentFactory()
    IncidentRedirect.objects.create(old_id=a.id, target=b)
    IncidentRedirect.objects.create(old_id=b.id, target=a)

    response = client.get(f"/incidents/{a.id}/")

    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{b.id}/?merged_from={a.id}"


@pytest.mark.parametrize(
    ("precision", "shown"),
    [("day", "9 March 2018"), ("month", "March 2018"), ("year", "2018")],
)
def test_it_shows_the_date_no_more_precisely_than_known(client, precision, shown):
    incident = IncidentFactory(date=datetime.date(2018, 3, 9), date_precision=precision)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert f'<time datetime="2018-03-09">{shown}</time>' in html


def test_it_groups_entities_by_role(client):
    incident = IncidentFactory()
    IncidentEntityFactory(
        incident=incident, entity=EntityFactory(slug="acme", name="Acme"), role="developer"
    )

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "<dt>Alleged developer of AI system</dt>" in html
    assert '<a class="chip" href="/entities/acme/">Acme</a>' in html


def test_it_lists_reports_with_their_source_domain(client):
    incident = IncidentFactory()
    report = ReportFactory(title="Lawyers fined", source_domain="courts.example")
    report.incidents.add(incident)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert f'<a href="/reports/{report.number}/">Lawyers fined</a>' in html
    assert '<span class="source">courts.example</span>' in html


def test_it_links_classification_values_to_the_filtered_list(client):
    incident = IncidentFactory()
    classify(incident, TaxonomyFactory(namespace="MIT"), {"Risk Domain": "3. Misinformation"})

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert '<a href="/incidents/?taxonomy=MIT%3ARisk%20Domain%3A3.%20Misinformation">' in html


def test_it_hides_private_fields_from_anonymous_visitors(client):
    incident = IncidentFactory()
    classify(
        incident,
        TaxonomyFactory(namespace="MIT"),
        {"Risk Domain": "3. Misinformation", "Notes": "internal remark"},
        private_fields=("Notes",),
    )

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "3. Misinformation" in html
    assert "internal remark" not in html


def test_it_shows_private_fields_to_signed_in_users(client, world):
    incident = IncidentFactory()
    classify(
        incident,
        TaxonomyFactory(namespace="MIT"),
        {"Notes": "internal remark"},
        private_fields=("Notes",),
    )
    client.force_login(world.researcher)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "internal remark" in html


def test_it_hides_unpublished_classifications_except_from_editors(client, world):
    incident = IncidentFactory()
    classify(
        incident, TaxonomyFactory(namespace="GMF"), {"Known AI Goal": "Chatbot"}, publish=False
    )

    anonymous = client.get(f"/incidents/{incident.id}/").content.decode()
    client.force_login(world.editor)
    editor = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "Chatbot" not in anonymous
    assert "Chatbot" in editor


def test_it_lists_editors_similar_incidents(client):
    incident, other = IncidentFactory(), IncidentFactory(title="Another chatbot lie")
    IncidentLinkFactory(incident=incident, other=other, kind="similar")

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert f'<a href="/incidents/{other.id}/">#{other.id} Another chatbot lie</a>' in html


def test_it_shows_a_timeline_by_month(client):
    incident = IncidentFactory(date=datetime.date(2023, 5, 1))
    for day in (3, 20):
        ReportFactory(date_published=datetime.date(2023, 6, day)).incidents.add(incident)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert '<time datetime="2023-06">June 2023</time></td><td>2</td>' in html
    assert "<title>June 2023: 2 reports</title>" in html


def test_it_shows_the_suggested_citation(client):
    incident = IncidentFactory(title="Chatbot invents court cases", editors=["Sean McGregor"])
    ReportFactory(submitters=["Catherine Olsson"]).incidents.add(incident)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert (
        f"Olsson, Catherine. (2020-01-15) Incident Number {incident.id}: Chatbot invents court "
        "cases. in McGregor, S. (ed.)"
    ) in html
    assert f'href="/incidents/{incident.id}/cite.bib"' in html


def test_it_renders_hostile_incident_text_inert(client):
    incident = IncidentFactory(
        title="<script>alert(1)</script>", description='<img src=x onerror="alert(2)">'
    )

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_takes_the_same_number_of_queries_for_2_or_30_reports(client):
    few, many = incident_with_reports(2), incident_with_reports(30)

    assert count_queries(client, f"/incidents/{few.id}/") == count_queries(
        client, f"/incidents/{many.id}/"
    )


# docs/architecture.md states this number.
INCIDENT_PAGE_QUERIES = 10


def test_it_takes_ten_queries(client, django_assert_num_queries):
    incident = incident_with_reports(30)

    # Eight are the page's own (redirect check, incident, five prefetches, the excerpts of the
    # page of reports shown); the two slots other areas fill take one each (text-similar
    # incidents, training footprints of its entities).
    with django_assert_num_queries(INCIDENT_PAGE_QUERIES):
        client.get(f"/incidents/{incident.id}/")
