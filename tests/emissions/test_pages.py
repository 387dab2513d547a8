import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emissions.models import Disclosure, Recomputation
from emissions.services.system_links import system_link_create
from incidents.models import EntityRole, IncidentEntity
from tests.emissions.conftest import make_disclosure
from tests.factories.emissions import DisclosureFactory
from tests.factories.incidents import EntityFactory, IncidentFactory
from tests.paths import CODECARBON_SAMPLE

CODECARBON_V1 = Path(__file__).parent / "estimator" / "data" / "codecarbon_v1.csv"


def form_data(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "model_name": "T5",
        "architecture": "dense",
        "organisation": "University A",
        "claim_tco2e": "46.7",
        "claim_energy_kwh": "85700",
        "claim_basis": "location",
        "method": "measured",
        "includes_preliminary_experiments": "no",
        "runs-TOTAL_FORMS": "1",
        "runs-INITIAL_FORMS": "0",
        "runs-MIN_NUM_FORMS": "1",
        "runs-MAX_NUM_FORMS": "50",
        "runs-0-accelerator": "TPU v3",
        "runs-0-count": "512",
        "runs-0-hours": "480",
        "runs-0-power_w": "310",
        "runs-0-power_basis": "measured_system",
        "runs-0-pue": "1.12",
        "runs-0-intensity_g_per_kwh": "545",
        "save": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def as_researcher(client, world):
    client.force_login(world.researcher)
    return client


def test_it_creates_one_disclosure_when_the_form_is_posted_twice(as_researcher):
    data = form_data()
    first = as_researcher.post("/disclosures/new/", data)
    second = as_researcher.post("/disclosures/new/", data)
    disclosure = Disclosure.objects.get()
    assert first["Location"] == second["Location"] == f"/disclosures/{disclosure.pk}/"


def test_it_stores_the_run_as_the_estimators_run_object(as_researcher):
    as_researcher.post("/disclosures/new/", form_data())
    assert Disclosure.objects.get().runs == [
        {
            "accelerator": "TPU v3",
            "count": 512,
            "hours": 480.0,
            "power_w": 310.0,
            "power_basis": "measured_system",
            "pue": 1.12,
            "intensity_g_per_kwh": 545.0,
        }
    ]


def test_it_previews_the_footprint_without_javascript_and_saves_nothing(as_researcher):
    data = form_data(preview="1")
    del data["save"]
    response = as_researcher.post("/disclosures/new/", data)
    assert response.status_code == 200
    assert response.context["preview"]["footprint"]["energy_kwh"] == pytest.approx(
        512 * 480 * 310 * 1.12 / 1000
    )
    assert response.context["preview"]["verification"]["verdict"] == "consistent"
    assert Disclosure.objects.count() == 0


def test_it_adds_a_run_row_without_javascript(as_researcher):
    response = as_researcher.post("/disclosures/new/", form_data(add_run="1"))
    assert (len(response.context["runs"].forms), Disclosure.objects.count()) == (2, 0)


def test_it_shows_the_estimators_error_next_to_the_run_field(as_researcher):
    data = form_data(**{"runs-0-intensity_g_per_kwh": "", "runs-0-country": "Atlantis"})
    response = as_researcher.post("/disclosures/new/", data)
    run_errors = response.context["runs"].forms[0].errors
    assert list(run_errors) == ["country"]
    assert run_errors["country"][0].startswith("Unknown country 'ATLANTIS': ")


def test_it_words_an_unknown_accelerator_at_its_field_with_suggestions(as_researcher):
    data = form_data(
        preview="1",
        **{"runs-0-accelerator": "A100", "runs-0-power_w": "", "runs-0-power_basis": ""},
    )
    del data["save"]
    response = as_researcher.post("/disclosures/new/", data)
    (message,) = response.context["runs"].forms[0].errors["accelerator"]
    assert message.startswith("Unknown accelerator 'A100': did you mean ")
    assert "'A100-40GB'" in message and "'A100-80GB'" in message
    assert response.context["preview_error"] == f"Run 1: {message}"


def test_the_form_marks_what_submitting_requires_and_offers_catalog_lists(as_researcher):
    page = as_researcher.get("/disclosures/new/").content.decode()
    claim = page[page.index('for="id_claim_tco2e"') :][:120]
    assert 'class="required"' in claim
    assert '<datalist id="countries">' in page and '<option value="FRA">France</option>' in page
    assert 'list="countries"' in page and 'list="cloud-regions"' in page


def test_it_saves_and_submits_in_one_go(as_researcher, django_capture_on_commit_callbacks):
    data = form_data(submit="1")
    del data["save"]
    with django_capture_on_commit_callbacks(execute=True):
        as_researcher.post("/disclosures/new/", data)
    disclosure = Disclosure.objects.get()
    assert (disclosure.state, disclosure.recomputations.count()) == ("submitted", 1)


def test_it_keeps_a_draft_when_submitting_an_incomplete_one(as_researcher):
    data = form_data(submit="1", claim_tco2e="")
    del data["save"]
    response = as_researcher.post("/disclosures/new/", data)
    disclosure = Disclosure.objects.get()
    assert (disclosure.state, response["Location"]) == (
        "draft",
        f"/disclosures/{disclosure.pk}/edit/",
    )


def test_it_edits_a_draft_through_the_form(as_researcher, world):
    draft = make_disclosure(world, "draft")
    as_researcher.post(f"/disclosures/{draft.pk}/edit/", form_data(claim_tco2e="50"))
    draft.refresh_from_db()
    assert draft.claim_tco2e == 50.0


def test_it_redirects_away_from_editing_a_submitted_disclosure(as_researcher, world):
    submitted = make_disclosure(world, "submitted")
    response = as_researcher.get(f"/disclosures/{submitted.pk}/edit/")
    assert response["Location"] == f"/disclosures/{submitted.pk}/"


def test_it_imports_a_codecarbon_file_into_a_draft(as_researcher):
    upload = SimpleUploadedFile("emissions.csv", CODECARBON_SAMPLE.read_bytes())
    response = as_researcher.post(
        "/disclosures/import/", {"kind": "codecarbon", "file": upload, "model_name": "ResNet"}
    )
    disclosure = Disclosure.objects.get()
    assert (response["Location"], disclosure.tool_name) == (
        f"/disclosures/{disclosure.pk}/imported/",
        "CodeCarbon",
    )


def test_the_import_shows_a_summary_and_names_the_model_after_the_project(as_researcher):
    upload = SimpleUploadedFile("emissions.csv", CODECARBON_V1.read_bytes())
    response = as_researcher.post(
        "/disclosures/import/", {"kind": "codecarbon", "file": upload}, follow=True
    )
    disclosure = Disclosure.objects.get()
    page = response.content.decode()
    assert disclosure.model_name == "resnet-sweep"
    assert "<dt>Runs</dt><dd>2</dd>" in page  # the third row has no positive energy
    assert "<dd>0.329 kWh</dd>" in page  # rounded, not 0.3285
    assert "<dd>0.125 kg CO2e</dd>" in page
    assert page.count('class="chart-bar chart-bar-actual"') == 2
    assert f'href="/disclosures/{disclosure.pk}/edit/"' in page


def test_it_refuses_an_oversized_upload(as_researcher):
    upload = SimpleUploadedFile("emissions.csv", b"x" * (2 * 1024 * 1024 + 1))
    response = as_researcher.post(
        "/disclosures/import/", {"kind": "codecarbon", "file": upload, "model_name": "X"}
    )
    assert "larger than" in response.context["form"].errors["file"][0]


def test_it_shows_the_verified_mark_and_what_if_chart_publicly(client, world):
    verified = make_disclosure(world, "verified")
    response = client.get(f"/disclosures/{verified.pk}/")
    content = response.content.decode()
    assert "✓ Verified" in content
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in content
    assert "uncertainty range" in content


def test_it_hides_reviewer_names_and_comments_from_the_public(client, world):
    verified = make_disclosure(world, "verified")
    content = client.get(f"/disclosures/{verified.pk}/").content.decode()
    assert (">vera<" in content, ">reviewer<" in content, "Review conversation" in content) == (
        False,
        True,
        False,
    )


def test_it_lists_incidents_of_linked_systems_on_the_disclosure(client, world):
    system = EntityFactory(slug="chatbot-x", name="Chatbot X")
    incident = IncidentFactory(title="Chatbot X gave harmful advice")
    IncidentEntity.objects.create(incident=incident, entity=system, role="implicated_system")
    verified = make_disclosure(world, "verified", linked_systems=[system])
    assert (
        "Chatbot X gave harmful advice" in client.get(verified.get_absolute_url()).content.decode()
    )


def test_it_fills_the_incident_pages_footprint_slot(client, world):
    system = EntityFactory(slug="model-y", name="Model Y")
    incident = IncidentFactory(title="Model Y incident")
    IncidentEntity.objects.create(
        incident=incident, entity=system, role=EntityRole.IMPLICATED_SYSTEM
    )
    verified = make_disclosure(world, "verified", model_name="Model Y")
    # The public join is the editors' (or the author's confirmed) links, not the frozen M2M.
    system_link_create(
        actor=world.editor,
        system_id=system.pk,
        relation="is",
        disclosure_id=verified.pk,
        source="The model's paper",
    )
    content = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Training footprints of the AI systems involved" in content
    assert f'href="/disclosures/{verified.pk}/"' in content
    # The recomputed figure, and what was verified in the one wording every page uses.
    assert "46.5 t CO2e recomputed" in content
    assert "✓ Verified: consistent" in content


def test_it_sorts_the_leaderboard_by_organisation(client, world):
    DisclosureFactory(state="verified", organisation="Zeta Lab", claim_tco2e=1.0)
    DisclosureFactory(state="verified", organisation="Alpha Lab", claim_tco2e=2.0)
    page = client.get("/disclosures/?sort=organisation").context["page"]
    assert [d.organisation for d in page.object_list] == ["Alpha Lab", "Zeta Lab"]


def test_it_draws_the_leaderboard_chart(client, world):
    gpt3 = DisclosureFactory(state="verified", model_name="GPT-3", claim_tco2e=552.1)
    Recomputation.objects.create(
        disclosure=gpt3,
        input_hash=gpt3.input_hash,
        catalog_version="test",
        verdict="consistent",
        gross_tco2e=552.1,
    )
    DisclosureFactory(state="verified", model_name="Tiny", claim_tco2e=0.004)
    content = client.get("/disclosures/").content.decode()
    assert 'class="chart-bar chart-bar-actual"' in content and "recomputed 552 t" in content
    # A log axis: the 4 kg claim is a visible tick, not a hairline next to 552 t.
    assert ": claimed 4 kg</title>" in content and ">1 kg</text>" in content


def test_it_shows_the_reviewer_every_flag_explained(client, world):
    submitted = make_disclosure(world, "submitted", claim_tco2e=46_700.0)
    client.force_login(world.reviewer)
    content = client.get(f"/disclosures/review/{submitted.pk}/").content.decode()
    assert "unit_confusion" in content
    assert "Undoing a unit slip (g/kg/t, lbs, Wh/kWh, hours/days)" in content


def test_it_reports_each_refusal_of_a_chairs_bulk_action(client, world):
    in_review = make_disclosure(world, "in_review")
    submitted = make_disclosure(world, "submitted")
    client.force_login(world.chair)
    response = client.post(
        "/disclosures/review/bulk/",
        {"action": "reject", "disclosures": [in_review.pk, submitted.pk], "reason": "Scope"},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        f"Done for 1: #{in_review.pk}",
        f"#{submitted.pk}: 'reject' is not allowed from 'submitted'; allowed: assign, claim",
    ]


def test_it_plans_a_run_over_the_demo_series(client, db):
    response = client.get(
        "/disclosures/plan/",
        {"accelerator": "A100-80GB", "count": "64", "hours": "24", "region": "country:DEU"},
    )
    plan = response.context["plan"]
    assert plan.problems == []
    assert plan.window["saving_tco2e"] >= 0
    assert plan.ramp["tco2e"] <= plan.window["now_tco2e"]
    assert "Carbon Intensity API, National Grid ESO" in plan.series_label


def test_it_plans_over_an_uploaded_series(client, db):
    rows = ["timestamp,intensity_g_per_kwh"] + [
        f"2026-01-01T{h:02d}:00:00+00:00,{100 if h >= 12 else 500}" for h in range(24)
    ]
    upload = SimpleUploadedFile("series.csv", "\n".join(rows).encode())
    response = client.post(
        "/disclosures/plan/",
        {
            "accelerator": "H100-SXM",
            "count": "8",
            "hours": "6",
            "region": "country:FRA",
            "series": upload,
        },
    )
    window = response.context["plan"].window
    assert (window["start"], window["mean_intensity_g_per_kwh"]) == (
        "2026-01-01T12:00:00+00:00",
        100,
    )


def test_it_plans_over_an_uploaded_electricity_maps_export(client, db):
    header = (
        "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
        "Carbon Intensity gCO₂eq/kWh (life cycle assessment),Low Carbon Percentage,"
        "Renewable Percentage,Data Source,Data Estimated,Data Estimation Method"
    )
    rows = [header] + [
        f"2026-01-01 {h:02d}:00:00,France,France,FR,10,{100 if h >= 12 else 500},90,30,x,false,"
        for h in range(24)
    ]
    upload = SimpleUploadedFile("em.csv", "\n".join(rows).encode())
    response = client.post(
        "/disclosures/plan/",
        {
            "accelerator": "H100-SXM",
            "count": "8",
            "hours": "6",
            "region": "country:FRA",
            "series": upload,
        },
    )
    plan = response.context["plan"]
    assert plan.series_label == "your uploaded series (Electricity Maps FR (lca), ODbL)"
    assert plan.window["start"] == "2026-01-01T12:00:00+00:00"


def test_it_names_the_bad_period_of_an_uploaded_uk_api_series(client, db):
    body = b'{"data": [{"from": "2026-01-01T00:00Z", "to": "2026-01-01T00:30Z", "intensity": {}}]}'
    response = client.post(
        "/disclosures/plan/",
        {
            "accelerator": "V100",
            "count": "8",
            "hours": "6",
            "region": "country:FRA",
            "series": SimpleUploadedFile("uk.json", body),
        },
    )
    assert response.context["form"].errors["series"][0].startswith("data[0].intensity.forecast")


def test_it_names_the_bad_line_of_an_uploaded_series(client, db):
    upload = SimpleUploadedFile("series.csv", b"timestamp,intensity_g_per_kwh\nyesterday,5\n")
    response = client.post(
        "/disclosures/plan/",
        {
            "accelerator": "V100",
            "count": "8",
            "hours": "6",
            "region": "country:FRA",
            "series": upload,
        },
    )
    assert "line" in response.context["form"].errors["series"][0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "This field is required."),
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 10_001, "Ensure this value has at most 10000 characters (it has 10001)."),
    ],
)
def test_it_says_why_a_comment_was_refused(client, world, body, message):
    submitted = make_disclosure(world, "submitted")
    client.force_login(world.reviewer)
    response = client.post(f"/disclosures/{submitted.pk}/comment/", {"body": body}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [message]
