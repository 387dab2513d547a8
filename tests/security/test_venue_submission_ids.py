"""Attack: hijacking a venue paper's submission id.

A researcher attaches their own disclosure to someone else's venue under an existing
submission id; before the fix the newest one won every lookup, so the chair's assignments went
to the hijacker's disclosure. Now an attachment is a request until a chair accepts it, one live
paper line holds an id (a partial unique constraint), and an ambiguous lookup is an error.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from emissions.models import Disclosure
from emissions.services.disclosures import disclosure_amend
from tests.factories.accounts import UserFactory
from tests.factories.emissions import T5_RUN, DisclosureFactory
from tests.factories.venues import conference_venue
from venues.models import ReviewAssignment


@pytest.fixture
def venue(world):  # noqa: ANN001, ANN201
    venue = conference_venue()
    venue.chairs.add(world.chair)
    venue.reviewers.add(world.reviewer)
    return venue


@pytest.fixture
def paper(venue, world):  # noqa: ANN001, ANN201
    """The genuine paper P-1, accepted by the chair."""
    return DisclosureFactory(
        owner=world.other_researcher,
        organisation="Lab B",
        venue=venue,
        venue_submission_id="P-1",
        state="submitted",
    )


def _hijack(client, attacker) -> int:  # noqa: ANN001
    """The attacker's own disclosure, attached to the venue as P-1 and submitted."""
    client.force_login(attacker)
    created = client.post(
        "/api/v1/disclosures/",
        {
            "model_name": "Squatter",
            "venue": "neurips-2026",
            "venue_submission_id": "P-1",
            "runs": [T5_RUN],
            "claim": {"energy_kwh": 85700, "tco2e": 46.7, "basis": "location"},
            "method": "measured",
            "includes_preliminary_experiments": False,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    submitted = client.post(
        f"/api/v1/disclosures/{pk}/submit/", {}, content_type="application/json"
    )
    assert submitted.status_code == 200
    client.logout()
    return pk


def test_a_hijacked_id_still_assigns_the_genuine_paper(client, world, paper):  # noqa: ANN001
    attacker = UserFactory(username="mal", email="mal@evil.example", role="researcher")
    _hijack(client, attacker)
    client.force_login(world.chair)
    response = client.post(
        "/api/v1/venues/neurips-2026/assignments/",
        {"submission_id": "P-1", "reviewer_email": world.reviewer.email},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["disclosure_id"] == paper.pk
    assert list(ReviewAssignment.objects.values_list("disclosure_id", flat=True)) == [paper.pk]


def test_a_hijacking_attachment_is_only_a_request(client, world, paper):  # noqa: ANN001
    attacker = UserFactory(username="mal", email="mal@evil.example", role="researcher")
    pk = _hijack(client, attacker)
    client.force_login(world.chair)
    requests = client.get("/api/v1/venues/neurips-2026/requests/").json()
    assert [(r["id"], r["submission_id"], r["accepted"]) for r in requests] == [(pk, "P-1", False)]
    dashboard = client.get("/venues/neurips-2026/").content.decode()
    assert f'/venues/neurips-2026/papers/{pk}/"' not in dashboard
    assert f'/venues/neurips-2026/papers/{paper.pk}/"' in dashboard


def test_a_chair_cannot_accept_a_second_paper_under_a_taken_id(client, world, paper):  # noqa: ANN001
    attacker = UserFactory(username="mal", email="mal@evil.example", role="researcher")
    pk = _hijack(client, attacker)
    client.force_login(world.chair)
    response = client.post(f"/api/v1/venues/neurips-2026/requests/{pk}/accept/")
    assert response.status_code == 409
    assert "P-1" in response.json()["errors"][0]["message"]
    assert Disclosure.objects.get(pk=pk).venue_accepted is False


def test_a_chair_accepts_a_request_under_a_free_id(client, world, venue):  # noqa: ANN001
    request = DisclosureFactory(
        owner=world.other_researcher, venue_submission_id="P-9", state="submitted"
    )
    Disclosure.objects.filter(pk=request.pk).update(venue=venue)
    client.force_login(world.chair)
    response = client.post(f"/venues/neurips-2026/papers/{request.pk}/accept/")
    assert response.status_code == 302
    assert Disclosure.objects.get(pk=request.pk).venue_accepted is True


def test_another_venues_chair_cannot_accept_a_request(client, world, venue):  # noqa: ANN001
    request = DisclosureFactory(
        owner=world.other_researcher, venue_submission_id="P-9", state="submitted"
    )
    Disclosure.objects.filter(pk=request.pk).update(venue=venue)
    other_chair = UserFactory(username="olga", role="chair")
    conference_venue(slug="icml-2026", name="ICML 2026").chairs.add(other_chair)
    client.force_login(other_chair)
    assert (
        client.post(f"/api/v1/venues/neurips-2026/requests/{request.pk}/accept/").status_code == 404
    )
    assert Disclosure.objects.get(pk=request.pk).venue_accepted is False


def test_the_database_refuses_two_live_papers_with_one_id(world, venue, paper):  # noqa: ANN001
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureFactory(owner=world.researcher, venue=venue, venue_submission_id="P-1")


def test_an_amendment_keeps_the_id_of_its_paper(world, venue):  # noqa: ANN001
    verified = DisclosureFactory(
        owner=world.other_researcher, venue=venue, venue_submission_id="P-2", state="verified"
    )
    amendment = disclosure_amend(disclosure_id=verified.pk, actor=world.other_researcher)
    assert (amendment.venue_id, amendment.venue_submission_id, amendment.venue_accepted) == (
        venue.pk,
        "P-2",
        True,
    )


def test_an_amendment_cannot_move_to_another_id(client, world, venue):  # noqa: ANN001
    verified = DisclosureFactory(
        owner=world.other_researcher, venue=venue, venue_submission_id="P-2", state="verified"
    )
    amendment = disclosure_amend(disclosure_id=verified.pk, actor=world.other_researcher)
    client.force_login(world.other_researcher)
    response = client.patch(
        f"/api/v1/disclosures/{amendment.pk}/",
        {"venue_submission_id": "P-1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Disclosure.objects.get(pk=amendment.pk).venue_submission_id == "P-2"


def test_changing_the_id_turns_an_accepted_draft_into_a_request(client, world, venue):  # noqa: ANN001
    draft = DisclosureFactory(owner=world.other_researcher, venue=venue, venue_submission_id="P-3")
    client.force_login(world.other_researcher)
    response = client.patch(
        f"/api/v1/disclosures/{draft.pk}/",
        {"venue_submission_id": "P-1"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Disclosure.objects.get(pk=draft.pk).venue_accepted is False


def test_an_ambiguous_submission_id_is_an_error(client, world, venue, paper):  # noqa: ANN001
    # Two paper lines answering to P-1, written past the services (as a corrupt import might).
    other_root = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="P-7", state="verified"
    )
    other = DisclosureFactory(
        owner=world.researcher,
        venue=venue,
        venue_submission_id="P-1",
        state="submitted",
        supersedes=other_root,
        version=2,
    )
    client.force_login(world.chair)
    response = client.post(
        "/api/v1/venues/neurips-2026/assignments/",
        {"submission_id": "P-1", "reviewer_email": world.reviewer.email},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "more than one paper" in response.json()["errors"][0]["message"]
    assert not ReviewAssignment.objects.filter(disclosure__in=[paper, other]).exists()
