"""Issue 17: internal bookkeeping hidden, merged ids announced, reports paged, the incident
list's keyword, entity-name and taxonomy-facet filters, taxonomy charts."""

from __future__ import annotations

import datetime

import pytest

from incidents.models import EntityRedirect, IncidentRedirect
from tests.factories.catalog import IncidentEntityFactory, TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def listed_ids(response) -> list[int]:  # noqa: ANN001
    return [incident.id for incident in response.context["page_obj"].object_list]


def cset_classified():  # noqa: ANN201
    incident = IncidentFactory()
    classify(
        incident,
        TaxonomyFactory(namespace="CSETv1"),
        {"Annotator": "007", "Peer Reviewer": "002", "Harm Domain": "yes"},
        internal_fields=("Annotator", "Peer Reviewer"),
    )
    return incident


# --- Internal fields -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_internal_fields_are_hidden_from_the_public_on_the_incident_page(client, world, who):
    incident = cset_classified()
    if who != "anonymous":
        client.force_login(world.researcher)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "Harm Domain" in html
    assert "Annotator" not in html
    assert "Peer Reviewer" not in html


def test_editors_see_internal_fields(client, world):
    incident = cset_classified()
    client.force_login(world.editor)

    html = client.get(f"/incidents/{incident.id}/").content.decode()

    assert "<dt>Annotator</dt>" in html


def test_internal_fields_are_hidden_on_the_taxonomy_page(client, world):
    cset_classified()
    client.force_login(world.researcher)

    html = client.get("/taxonomies/CSETv1/").content.decode()

    assert "Harm Domain" in html
    assert "Annotator" not in html


def test_an_internal_value_cannot_filter_the_incident_list(client):
    cset_classified()

    assert listed_ids(client.get("/incidents/", {"taxonomy": "CSETv1:Annotator:007"})) == []


def test_internal_fields_are_not_in_the_api(client):
    incident = cset_classified()

    row = client.get(f"/api/v1/incidents/{incident.id}/").json()

    assert row["classifications"] == [{"namespace": "CSETv1", "values": {"Harm Domain": "yes"}}]


# --- Merged incidents and entities -----------------------------------------------------------


def test_a_merged_incident_says_so_on_the_incident_it_became(client):
    target = IncidentFactory()
    IncidentRedirect.objects.create(old_id=342, target=target)

    response = client.get("/incidents/342/", follow=True)

    assert response.redirect_chain == [(f"/incidents/{target.id}/?merged_from=342", 301)]
    assert "Incident 342 was merged into this one." in response.content.decode()


def test_a_merged_from_that_is_not_a_redirect_says_nothing(client):
    target, other = IncidentFactory(), IncidentFactory()
    IncidentRedirect.objects.create(old_id=342, target=other)

    html = client.get(f"/incidents/{target.id}/", {"merged_from": "342"}).content.decode()

    assert "was merged into this one" not in html


def test_a_merged_entity_says_so(client):
    acme = EntityFactory(slug="acme", name="Acme")
    EntityRedirect.objects.create(old_slug="acme-corp", target=acme)

    html = client.get("/entities/acme-corp/", follow=True).content.decode()

    assert "Entity “acme-corp” was merged into this one." in html


@pytest.mark.parametrize(
    "params",
    [
        {"merged_from": "<script>alert(1)</script>"},
        {"merged_from": "9" * 40},
        {"merged_from": "-1"},
        {"reports_page": "abc"},
        {"reports_page": "99999999999999999999"},
        {"reports_page": "\x00"},
    ],
)
def test_hostile_incident_page_parameters_are_ignored(client, params):
    incident = IncidentFactory()
    ReportFactory().incidents.add(incident)

    response = client.get(f"/incidents/{incident.id}/", params)

    assert response.status_code == 200
    assert "was merged into this one" not in response.content.decode()
    assert "<script>alert(1)" not in response.content.decode()


# --- Reports, paged ---------------------------------------------------------------------------


def test_reports_are_shown_twenty_at_a_time_with_an_excerpt(client):
    incident = IncidentFactory()
    for day in range(1, 46):
        report = ReportFactory(
            title=f"Report {day:02d}",
            description="",
            text=f"**Day {day}**: the [robot](https://x.example) stopped. " * 20,
            date_published=datetime.date(2020, 1, 1) + datetime.timedelta(days=day),
        )
        report.incidents.add(incident)

    first = client.get(f"/incidents/{incident.id}/")
    last = client.get(f"/incidents/{incident.id}/", {"reports_page": 3})

    assert [r.title for r in first.context["page"].reports_page] == [
        f"Report {d:02d}" for d in range(1, 21)
    ]
    assert [r.title for r in last.context["page"].reports_page] == [
        f"Report {d:02d}" for d in range(41, 46)
    ]
    excerpt = first.context["page"].reports_page[0].excerpt
    assert excerpt.startswith("Day 1: the robot stopped. Day 1:")
    assert excerpt.endswith("…") and len(excerpt) <= 201
    assert "Reports 1–20 of 45, oldest first." in first.content.decode()


def test_the_incident_page_links_to_a_prefilled_submission_form(client):
    incident = IncidentFactory()

    html = client.get(f"/incidents/{incident.id}/").content.decode()
    form = client.get("/submit/", {"incident_ids": str(incident.id)}).content.decode()

    assert f'href="/submit/?incident_ids={incident.id}"' in html
    assert f'value="{incident.id}"' in form


# --- Incident list filters ---------------------------------------------------------------------


def test_it_filters_by_entity_name_in_any_case(client):
    wanted, other = IncidentFactory(), IncidentFactory()
    IncidentEntityFactory(incident=wanted, entity=EntityFactory(slug="open-ai", name="OpenAI"))
    IncidentEntityFactory(incident=other, entity=EntityFactory(slug="acme", name="Acme"))

    assert listed_ids(client.get("/incidents/", {"entity": "openai"})) == [wanted.id]
    assert listed_ids(client.get("/incidents/", {"entity": "OPEN AI"})) == [wanted.id]


def test_it_follows_a_merged_entity_name(client):
    wanted = IncidentFactory()
    acme = EntityFactory(slug="acme", name="Acme")
    IncidentEntityFactory(incident=wanted, entity=acme)
    EntityRedirect.objects.create(old_slug="acme-corp", target=acme)

    assert listed_ids(client.get("/incidents/", {"entity": "Acme Corp"})) == [wanted.id]


def test_an_unknown_entity_name_lists_nothing_and_suggests_names(client):
    IncidentEntityFactory(
        incident=IncidentFactory(), entity=EntityFactory(slug="tesla", name="Tesla")
    )
    EntityFactory(slug="tesla-motors", name="Tesla Motors")

    response = client.get("/incidents/", {"entity": "tesl"})

    assert listed_ids(response) == []
    assert [e.name for e in response.context["entity_suggestions"]] == ["Tesla", "Tesla Motors"]
    assert '<datalist id="entity-names">' in response.content.decode()


def test_it_filters_by_keywords(client):
    wanted = IncidentFactory(title="Chatbot invents court cases")
    IncidentFactory(title="Robot blocks crosswalk")

    assert listed_ids(client.get("/incidents/", {"q": "chatbot"})) == [wanted.id]


def test_taxonomy_facets_are_checkboxes_and_combine(client):
    mit = TaxonomyFactory(namespace="MIT")
    both, one = IncidentFactory(), IncidentFactory()
    classify(both, mit, {"Intent": "Intentional", "Timing": "Pre-deployment"})
    classify(one, mit, {"Intent": "Intentional", "Timing": "Post-deployment"})

    chosen = ["MIT:Intent:Intentional", "MIT:Timing:Pre-deployment"]
    response = client.get("/incidents/", {"taxonomy": chosen})
    html = client.get("/incidents/").content.decode()

    assert listed_ids(response) == [both.id]
    assert (
        '<input type="checkbox" name="taxonomy" value="MIT:Intent:Intentional"> '
        '<span class="facet-choice">Intentional</span> <span class="count">2</span>'
    ) in html


def test_an_entity_named_twice_is_listed_once(client):
    incident = IncidentFactory()
    youtube = EntityFactory(slug="youtube", name="YouTube")
    IncidentEntityFactory(incident=incident, entity=youtube, role="deployer")
    IncidentEntityFactory(incident=incident, entity=youtube, role="developer")

    html = client.get("/incidents/").content.decode()

    assert '<p class="item-meta">YouTube</p>' in html


def test_recently_added_sort_matches_the_home_page(client):
    IncidentFactory(date=datetime.date(2024, 1, 1))
    old_date_added_last = IncidentFactory(date=datetime.date(2001, 1, 1))

    home = client.get("/")
    listed = client.get("/incidents/", {"sort": "added"})

    assert listed_ids(listed)[0] == old_date_added_last.id
    assert home.context["home"].latest_incidents[0].id == old_date_added_last.id
    assert 'href="/incidents/?sort=added"' in home.content.decode()


# --- Taxonomy charts ---------------------------------------------------------------------------


def test_each_bar_of_a_taxonomy_chart_drills_into_the_incident_list(client):
    classify(IncidentFactory(), TaxonomyFactory(namespace="MIT"), {"Intent": "Intentional"})

    html = client.get("/taxonomies/MIT/").content.decode()

    link = '<a href="/incidents/?taxonomy=MIT%3AIntent%3AIntentional" tabindex="-1">'
    assert link + '<rect class="chart-hit"' in html
    assert '<rect class="chart-bar" x="0" y="18" width="360.0" height="12">' in html
