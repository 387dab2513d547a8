"""The system page, the incident/entity/home slots and the link pages, as visitors see them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emissions.models import SystemModelLink
from emissions.services.system_links import system_link_create
from tests.emissions.conftest import make_disclosure
from tests.factories.catalog import IncidentEntityFactory
from tests.factories.incidents import EntityFactory, IncidentFactory
from tests.incidents.pages.test_incident_detail import INCIDENT_PAGE_QUERIES, incident_with_reports

SOURCE = "https://example.org/announcement"

# The system page's own queries: system, its incident roles, its links with footprints (and
# the session/user lookups of an anonymous request make none).
SYSTEM_PAGE_QUERIES = 3


def link(world, system, disclosure=None, **fields):
    return system_link_create(
        actor=world.editor,
        system_id=system.pk,
        relation=fields.pop("relation", "same_family"),
        disclosure_id=disclosure.pk if disclosure else None,
        source=SOURCE,
        **fields,
    )


def implicate(system, *, year: int = 2023, role: str = "implicated_system"):
    incident = IncidentFactory(date=datetime.date(year, 3, 1))
    IncidentEntityFactory(incident=incident, entity=system, role=role)
    return incident


@pytest.fixture
def chatgpt(world):
    system = EntityFactory(slug="chatgpt", name="ChatGPT")
    gpt3 = make_disclosure(world, "verified", model_name="GPT-3", model_version="175B")
    link(world, system, model_name="GPT-3.5", relation="fine_tuned_from")
    link(world, system, gpt3)
    return system, gpt3


def test_it_states_each_relation_plainly(client, chatgpt):
    system, gpt3 = chatgpt
    implicate(system)

    html = client.get("/systems/chatgpt/").content.decode()

    assert (
        "ChatGPT is fine-tuned from <strong>GPT-3.5</strong>; no verified disclosure for GPT-3.5"
        in html
    )
    assert (
        "ChatGPT is of the same family as <strong>GPT-3</strong>: "
        f'<a href="/disclosures/{gpt3.pk}/">GPT-3 175B</a>' in html
    )


def test_it_shows_the_recomputed_figure_verdict_hardware_and_year(client, chatgpt, world):
    system, gpt3 = chatgpt
    recomputation = gpt3.recomputations.get()

    html = client.get("/systems/chatgpt/").content.decode()

    row = html.split("GPT-3 175B</a>", 1)[1].split("</li>", 1)[0]
    assert f"{recomputation.gross_tco2e:.3g} t CO2e recomputed" in row
    assert f"verdict {recomputation.verdict.replace('_', ' ')}" in row
    assert "on TPU v3" in row


def test_it_never_shows_the_figure_of_an_unverified_disclosure(client, world):
    system = EntityFactory(slug="bard", name="Bard")
    pending = make_disclosure(world, "submitted", model_name="LaMDA", claim_tco2e=123.0)
    link(world, system, pending, relation="built_on")

    html = client.get("/systems/bard/").content.decode()

    assert "no verified disclosure for LaMDA" in html
    assert f"/disclosures/{pending.pk}/" not in html


def test_it_lists_incidents_by_role_with_a_chart_per_year(client, chatgpt):
    system, _ = chatgpt
    implicate(system, year=2022)
    implicate(system, year=2023)
    implicate(system, year=2023, role="developer")

    html = client.get("/systems/chatgpt/").content.decode()

    assert "Named in 3 incidents" in html
    assert "<title>2022: 1</title>" in html and "<title>2023: 2</title>" in html
    assert "Implicated AI system" in html and "Alleged developer of AI system" in html


def test_it_adds_up_only_the_models_the_system_is_or_is_built_on(client, world):
    system = EntityFactory(slug="suite", name="Suite")
    one = make_disclosure(world, "verified", model_name="Base A")
    two = make_disclosure(world, "verified", model_name="Base B")
    family = make_disclosure(world, "verified", model_name="Cousin")
    link(world, system, one, relation="built_on")
    link(world, system, two, relation="built_on")
    link(world, system, family, relation="same_family")
    total = sum(d.recomputations.get().gross_tco2e for d in (one, two))

    html = client.get("/systems/suite/").content.decode()

    assert (
        f"Together, the 2 disclosed models Suite is or is built on: <strong>{total:.3g} t" in html
    )


def test_it_answers_404_for_an_unknown_system(client, db):
    assert client.get("/systems/no-such-system/").status_code == 404


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_takes_the_same_queries_for_1_or_12_incidents_and_footprints(client, world):
    small = EntityFactory(slug="small")
    implicate(small)
    link(world, small, make_disclosure(world, "verified", model_name="Only"))
    large = EntityFactory(slug="large")
    for year in range(2012, 2024):
        implicate(large, year=year)
    for n in range(4):
        link(world, large, make_disclosure(world, "verified", model_name=f"M{n}"))
        link(world, large, model_name=f"Undisclosed {n}", relation="built_on")

    assert count_queries(client, "/systems/small/") == SYSTEM_PAGE_QUERIES
    assert count_queries(client, "/systems/large/") == SYSTEM_PAGE_QUERIES


def test_the_incident_page_shows_its_implicated_systems_footprints(client, chatgpt):
    system, gpt3 = chatgpt
    incident = implicate(system)

    html = client.get(f"/incidents/{incident.pk}/").content.decode()

    assert "Training footprints of the AI systems involved" in html
    assert f'href="/disclosures/{gpt3.pk}/"' in html
    assert 'href="/systems/chatgpt/">ChatGPT: incidents and footprint</a>' in html


def test_the_incident_page_stays_at_its_query_count_with_footprints(client, chatgpt):
    system, _ = chatgpt
    incident = incident_with_reports(5)
    IncidentEntityFactory(incident=incident, entity=system, role="implicated_system")

    assert count_queries(client, f"/incidents/{incident.pk}/") == INCIDENT_PAGE_QUERIES


def test_the_entity_page_of_a_system_links_to_its_system_page(client, chatgpt):
    system, _ = chatgpt
    implicate(system)

    html = client.get("/entities/chatgpt/").content.decode()

    assert (
        '<a href="/systems/chatgpt/">ChatGPT: incidents over time and training footprint</a>'
        in html
    )


def test_the_entity_page_of_a_harmed_party_has_no_system_section(client, db):
    person = EntityFactory(slug="someone")
    implicate(person, role="harmed")

    assert "/systems/someone/" not in client.get("/entities/someone/").content.decode()


def test_the_home_page_puts_footprints_beside_incidents(client, chatgpt):
    system, gpt3 = chatgpt
    implicate(system)

    html = client.get("/").content.decode()

    assert (
        '<span class="stat-number">1</span> <span class="stat-label">verified disclosure</span>'
        in html
    )
    assert f'Largest: <a href="/disclosures/{gpt3.pk}/">GPT-3 175B</a>' in html
    assert '<a href="/systems/chatgpt/">ChatGPT</a>: 1 incident, 1 footprint' in html


def test_it_lets_an_editor_link_and_unlink_from_the_links_page(client, world, chatgpt):
    system, _ = chatgpt
    client.force_login(world.editor)

    made = client.post(
        "/systems/chatgpt/links/",
        {"relation": "built_on", "model_name": "GPT-4", "source": SOURCE},
    )
    added = SystemModelLink.objects.get(model_name="GPT-4")
    removed = client.post("/systems/chatgpt/links/", {"remove": added.pk, "reason": "test"})

    assert (made.status_code, removed.status_code) == (302, 302)
    assert not SystemModelLink.objects.filter(model_name="GPT-4").exists()


@pytest.mark.parametrize("who", ["researcher", "reviewer", "chair"])
def test_it_refuses_the_links_page_to_non_editors(client, world, chatgpt, who):
    client.force_login(getattr(world, who))
    assert client.get("/systems/chatgpt/links/").status_code == 403
    response = client.post(
        "/systems/chatgpt/links/", {"relation": "is", "model_name": "X", "source": SOURCE}
    )
    assert response.status_code == 403
    assert not SystemModelLink.objects.filter(model_name="X").exists()


def test_it_sends_anonymous_visitors_of_the_links_page_to_log_in(client, chatgpt):
    response = client.get("/systems/chatgpt/links/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_it_lets_the_author_confirm_a_suggested_system(client, world):
    bloom = EntityFactory(slug="bloom", name="BLOOM")
    draft = make_disclosure(world, "submitted", model_name="BLOOM")
    client.force_login(world.researcher)

    page = client.get(f"/disclosures/{draft.pk}/systems/").content.decode()
    response = client.post(
        f"/disclosures/{draft.pk}/systems/", {"system": bloom.pk, "relation": "is"}
    )

    assert f'<input type="hidden" name="system" value="{bloom.pk}">' in page
    assert response.status_code == 302
    assert SystemModelLink.objects.get().linked_by == world.researcher


def test_it_hides_the_confirmation_page_from_other_researchers(client, world):
    bloom = EntityFactory(slug="bloom", name="BLOOM")
    draft = make_disclosure(world, "submitted", model_name="BLOOM")
    client.force_login(world.other_researcher)

    response = client.post(
        f"/disclosures/{draft.pk}/systems/", {"system": bloom.pk, "relation": "is"}
    )

    assert response.status_code == 404
    assert not SystemModelLink.objects.exists()


def test_the_disclosure_page_names_the_systems_built_on_it(client, chatgpt):
    _, gpt3 = chatgpt

    html = client.get(f"/disclosures/{gpt3.pk}/").content.decode()

    assert '<a href="/systems/chatgpt/">ChatGPT</a> is of the same family as GPT-3' in html


def test_the_author_of_an_open_disclosure_is_pointed_to_the_suggestions(client, world):
    submitted = make_disclosure(world, "submitted", model_name="BLOOM")
    client.force_login(world.researcher)

    html = client.get(f"/disclosures/{submitted.pk}/").content.decode()

    assert (
        f'href="/disclosures/{submitted.pk}/systems/">Say which AI systems use this model' in html
    )


def test_submitting_leads_the_author_to_the_suggested_systems(client, world):
    EntityFactory(slug="bloom", name="BLOOM")
    draft = make_disclosure(world, "draft", model_name="BLOOM")
    client.force_login(world.researcher)

    response = client.post(f"/disclosures/{draft.pk}/act/submit/")

    assert response["Location"] == f"/disclosures/{draft.pk}/systems/"
    assert not SystemModelLink.objects.exists()


def test_the_entity_page_of_an_organisation_shows_its_verified_models(client, world):
    EntityFactory(slug="openai", name="OpenAI")
    gpt3 = make_disclosure(world, "verified", model_name="GPT-3", organisation="OpenAI")
    make_disclosure(world, "submitted", model_name="GPT-4", organisation="OpenAI")

    html = client.get("/entities/openai/").content.decode()

    assert f'<a href="/disclosures/{gpt3.pk}/">GPT-3 11B</a>: 46.7 t CO2e as disclosed' in html
    assert "GPT-4" not in html
