import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from emissions.models import Disclosure
from tests.emissions.conftest import make_disclosure
from tests.factories.emissions import T5_RUN, VenueFactory
from tests.factories.incidents import EntityFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_researcher(api, world):
    api.force_authenticate(world.researcher)
    return api


def test_it_issues_a_token_for_a_username_and_password(api, world):
    response = api.post("/api/v1/auth/token/", {"username": "rita", "password": PASSWORD})
    assert (response.status_code, len(response.json()["token"])) == (200, 40)


def test_it_issues_the_same_token_for_the_email_address(api, world):
    by_name = api.post("/api/v1/auth/token/", {"username": "rita", "password": PASSWORD})
    by_email = api.post(
        "/api/v1/auth/token/", {"username": "RITA@uni-a.example", "password": PASSWORD}
    )
    assert by_email.json()["token"] == by_name.json()["token"]


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(api, world):
    response = api.post("/api/v1/auth/token/", {"username": "rita", "password": "nope"})
    assert (response.status_code, response.json()) == (
        400,
        {"errors": [{"field": None, "message": "Unable to log in with the given credentials."}]},
    )


def test_it_throttles_token_requests(api, world, settings):
    settings.LOGIN_FAILURE_LIMIT = 100  # the account lockout is tests/security's; rates here
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["login"] == "10/min"
    codes = [
        api.post("/api/v1/auth/token/", {"username": "rita", "password": "nope"}).status_code
        for _ in range(11)
    ]
    assert codes == [400] * 10 + [429]


def test_it_authenticates_with_the_token(api, world):
    token = api.post("/api/v1/auth/token/", {"username": "rita", "password": PASSWORD}).json()
    draft = make_disclosure(world, "draft")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api.get(f"/api/v1/disclosures/{draft.pk}/").status_code == 200


def test_it_creates_a_draft_from_the_documented_json(as_researcher, world):
    VenueFactory(slug="neurips-2026")
    EntityFactory(slug="t5")
    body = {
        "model_name": "T5",
        "organisation": "University A",
        "paper_title": "Exploring transfer",
        "venue": "neurips-2026",
        "venue_submission_id": "1234",
        "runs": [T5_RUN],
        "claim": {"energy_kwh": 85700, "tco2e": 46.7, "basis": "location"},
        "architecture": "dense",
        "method": "measured",
        "includes_preliminary_experiments": False,
        "linked_systems": ["t5"],
        "doi": "10.48550/arXiv.2104.10350",
    }
    response = as_researcher.post("/api/v1/disclosures/", body, format="json")
    data = response.json()
    assert response.status_code == 201
    assert (data["state"], data["version"], data["venue"], data["linked_systems"]) == (
        "draft",
        1,
        "neurips-2026",
        ["t5"],
    )
    assert data["claim"] == {"energy_kwh": 85700.0, "tco2e": 46.7, "basis": "location"}
    assert [row["action"] for row in data["audit"]] == ["create"]


def test_it_ignores_a_state_sent_as_a_field(as_researcher, world):
    response = as_researcher.post(
        "/api/v1/disclosures/", {"model_name": "X", "state": "verified"}, format="json"
    )
    assert (response.status_code, response.json()["state"]) == (201, "draft")


def test_it_creates_once_for_a_repeated_idempotency_key(as_researcher, world):
    key = str(uuid.uuid4())
    first = as_researcher.post(
        "/api/v1/disclosures/", {"model_name": "X"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    second = as_researcher.post(
        "/api/v1/disclosures/", {"model_name": "X"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.json()["id"], Disclosure.objects.count()) == (second.json()["id"], 1)


def test_it_refuses_an_idempotency_key_that_is_not_a_uuid(as_researcher, world):
    response = as_researcher.post(
        "/api/v1/disclosures/", {"model_name": "X"}, format="json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert response.json() == {"errors": [{"field": "Idempotency-Key", "message": "Give a UUID."}]}


def test_it_names_the_bad_run_field(as_researcher, world):
    body = {"model_name": "X", "runs": [{"accelerator": "Z80", "count": 1, "hours": 1}]}
    response = as_researcher.post("/api/v1/disclosures/", body, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["runs[0].accelerator"]


def test_it_names_a_bad_claim_field_in_the_api_vocabulary(as_researcher, world):
    body = {"model_name": "X", "claim": {"tco2e": -1}}
    response = as_researcher.post("/api/v1/disclosures/", body, format="json")
    assert [e["field"] for e in response.json()["errors"]] == ["claim.tco2e"]


def test_it_refuses_an_unknown_linked_system(as_researcher, world):
    body = {"model_name": "X", "linked_systems": ["nobody"]}
    response = as_researcher.post("/api/v1/disclosures/", body, format="json")
    assert [e["field"] for e in response.json()["errors"]] == ["linked_systems"]


def test_it_edits_only_the_fields_sent(as_researcher, world):
    draft = make_disclosure(world, "draft")
    response = as_researcher.patch(
        f"/api/v1/disclosures/{draft.pk}/", {"claim": {"tco2e": 50.0}}, format="json"
    )
    assert response.json()["claim"] == {"energy_kwh": 85700.0, "tco2e": 50.0, "basis": "location"}


def test_it_answers_409_with_the_allowed_actions(api, world):
    submitted = make_disclosure(world, "submitted")
    api.force_authenticate(world.chair)
    response = api.post(
        f"/api/v1/disclosures/{submitted.pk}/verify/", {"reason": "ok"}, format="json"
    )
    assert (response.status_code, response.json()["allowed"]) == (409, ["assign", "claim"])


def test_it_requires_a_reason_for_a_decision(api, world):
    in_review = make_disclosure(world, "in_review")
    api.force_authenticate(world.reviewer)
    response = api.post(f"/api/v1/disclosures/{in_review.pk}/reject/", {}, format="json")
    assert response.json() == {
        "errors": [{"field": "reason", "message": "This action needs a reason."}]
    }


def test_it_shows_the_recomputation_verdict_and_flags(api, world):
    verified = make_disclosure(world, "verified")
    data = api.get(f"/api/v1/disclosures/{verified.pk}/").json()
    assert (data["recomputation"]["verdict"], data["state"]) == ("consistent", "verified")
    assert data["recomputation"]["catalog_version"]
    assert any(f["code"] == "tco2e_consistent" for f in data["recomputation"]["flags"])


def test_it_shows_the_public_roles_not_names_in_the_audit_trail(api, world):
    verified = make_disclosure(world, "verified")
    audit = api.get(f"/api/v1/disclosures/{verified.pk}/").json()["audit"]
    assert [(row["action"], row["actor"]) for row in audit] == [
        ("create", "researcher"),
        ("submit", "researcher"),
        ("recompute", "system"),
        ("claim", "reviewer"),
        ("verify", "reviewer"),
    ]


def test_it_shows_names_to_the_researcher(as_researcher, world):
    verified = make_disclosure(world, "verified")
    audit = as_researcher.get(f"/api/v1/disclosures/{verified.pk}/").json()["audit"]
    assert audit[-1]["actor"] == "vera"


@pytest.mark.parametrize(
    ("role", "expected_states"),
    [
        ("anonymous", ["verified"]),
        ("researcher", ["draft", "submitted", "verified"]),
        ("reviewer", ["submitted"]),
    ],
)
def test_it_lists_by_role_by_default(api, world, role, expected_states):
    for state in ("draft", "submitted", "verified"):
        make_disclosure(world, state)
    if role != "anonymous":
        api.force_authenticate(getattr(world, role))
    results = api.get("/api/v1/disclosures/").json()["results"]
    assert sorted(r["state"] for r in results) == expected_states


def test_it_refuses_an_unknown_list_parameter(api, world):
    response = api.get("/api/v1/disclosures/?colour=red")
    assert response.json() == {"errors": [{"field": "colour", "message": "Unknown parameter."}]}


def test_it_asks_anonymous_callers_to_log_in_for_their_own_list(api, world):
    assert api.get("/api/v1/disclosures/?scope=mine").status_code == 401


def test_it_estimates_statelessly(api, db):
    response = api.post("/api/v1/estimate/", {"runs": [T5_RUN]}, format="json")
    footprint = response.json()["footprint"]
    assert footprint["energy_kwh"] == pytest.approx(512 * 480 * 310 * 1.12 / 1000)
    assert (response.json()["verification"], Disclosure.objects.count()) == (None, 0)


def test_it_verifies_a_claim_in_the_estimate(api, db):
    body = {"runs": [T5_RUN], "claim": {"tco2e": 46.7}}
    verification = api.post("/api/v1/estimate/", body, format="json").json()["verification"]
    assert verification["verdict"] == "consistent"


def test_it_names_the_field_when_the_estimate_input_is_bad(api, db):
    body = {"runs": [{"accelerator": "V100", "count": 8, "hours": "ten"}]}
    response = api.post("/api/v1/estimate/", body, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["runs[0].hours"]


def test_it_says_when_there_is_too_little_to_estimate(api, db):
    response = api.post("/api/v1/estimate/", {"runs": [{"accelerator": "V100"}]}, format="json")
    assert response.status_code == 400


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers()
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
RUN_KEYS = st.sampled_from(
    ["accelerator", "count", "hours", "device_hours", "power_w", "power_basis", "pue", "location"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(runs=st.lists(st.dictionaries(RUN_KEYS, JSON_VALUES, max_size=5), max_size=3))
def test_it_answers_garbage_estimates_with_200_or_400(api, db, runs):
    response = api.post("/api/v1/estimate/", {"runs": runs}, format="json")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("raw_id", ["0.5", "%C2%B3", "99999999999999999999", "-1"])
def test_it_answers_a_malformed_id_with_a_json_404(api, world, raw_id):
    api.force_authenticate(world.researcher)
    response = api.get(f"/api/v1/disclosures/{raw_id}/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_it_refuses_a_number_where_text_belongs(as_researcher, world):
    response = as_researcher.post(
        "/api/v1/disclosures/", {"model_name": "X", "justification": 5}, format="json"
    )
    assert response.json() == {
        "errors": [{"field": "justification", "message": "Not a valid string."}]
    }


def test_it_refuses_form_encoded_disclosures(as_researcher, world):
    response = as_researcher.post("/api/v1/disclosures/", {"model_name": "X"})
    assert response.status_code == 415
