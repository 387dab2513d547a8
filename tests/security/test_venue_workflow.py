"""Attack: deciding on another venue's papers through the generic disclosure workflow.

A venue's paper is decided, claimed, assigned and released only by a chair of that venue while
its phase allows decisions, or by a reviewer the venue assigned to it. Each test performs one
attempt through a real path (API, page action form, reviewer-assign form, bulk form, the
venue's decide endpoint) and checks whether the paper's state changed.
"""

from __future__ import annotations

import pytest

from emissions.models import Disclosure
from tests.factories.accounts import UserFactory
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import conference_venue
from venues.models import ReviewAssignment

ACTORS = ("other_chair", "unassigned_reviewer", "assigned_reviewer", "chair_closed", "chair_open")


@pytest.fixture
def setting(world):  # noqa: ANN001, ANN201
    """Venue A (world.chair, reviewers vera and ada) with one paper; venue B chaired by olga."""
    venue = conference_venue()
    venue.chairs.add(world.chair)
    other = conference_venue(slug="icml-2026", name="ICML 2026")
    other_chair = UserFactory(
        username="olga", email="olga@conf-b.example", role="chair", organisation="Conf B"
    )
    other.chairs.add(other_chair)
    assigned = UserFactory(
        username="ada", email="ada@inst-d.example", role="reviewer", organisation="Institute D"
    )
    venue.reviewers.add(world.reviewer, assigned)
    paper = DisclosureFactory(
        owner=world.other_researcher,
        organisation="Lab B",
        venue=venue,
        venue_submission_id="P-1",
        state="submitted",
    )
    ReviewAssignment.objects.create(
        venue=venue, disclosure=paper, reviewer=assigned, source="manual"
    )
    return {
        "venue": venue,
        "paper": paper,
        "other_chair": other_chair,
        "unassigned_reviewer": world.reviewer,
        "assigned_reviewer": assigned,
        "chair_closed": world.chair,
        "chair_open": world.chair,
    }


def _prepare(setting, actor_name: str, *, state: str):  # noqa: ANN001, ANN202
    """Put the paper in `state` (held by the actor when in review) and set the phase."""
    actor = setting[actor_name]
    if actor_name == "chair_closed":
        setting["venue"].phases.update(chairs_may_decide=False)
    paper = setting["paper"]
    Disclosure.objects.filter(pk=paper.pk).update(
        state=state, assigned_reviewer=actor if state == "in_review" else None
    )
    return actor, paper


def _state(paper: Disclosure) -> str:
    return Disclosure.objects.get(pk=paper.pk).state


# Who may act on venue A's paper: its assigned reviewer, and its chair while deciding is open.
ALLOWED = {"assigned_reviewer", "chair_open"}
CHAIRS_ALLOWED = {"chair_open"}  # assign and bulk are chairs' actions in any case


@pytest.mark.parametrize("actor_name", ACTORS)
def test_api_claim_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="submitted")
    client.force_login(actor)
    client.post(f"/api/v1/disclosures/{paper.pk}/claim/", {}, content_type="application/json")
    expected = "in_review" if actor_name in ALLOWED else "submitted"
    assert _state(paper) == expected


@pytest.mark.parametrize("actor_name", ACTORS)
def test_api_reject_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="in_review")
    client.force_login(actor)
    response = client.post(
        f"/api/v1/disclosures/{paper.pk}/reject/",
        {"reason": "Not ours to reject."},
        content_type="application/json",
    )
    if actor_name in ALLOWED:
        assert response.status_code == 200
        assert _state(paper) == "rejected"
    else:
        assert response.status_code in (403, 404, 409)
        assert _state(paper) == "in_review"


@pytest.mark.parametrize("actor_name", ACTORS)
def test_api_assign_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="submitted")
    client.force_login(actor)
    client.post(
        f"/api/v1/disclosures/{paper.pk}/assign/",
        {"reviewer": "ada"},
        content_type="application/json",
    )
    paper.refresh_from_db()
    expected = "ada" if actor_name in CHAIRS_ALLOWED else None
    assert (paper.assigned_reviewer.username if paper.assigned_reviewer else None) == expected


def test_assign_refuses_a_reviewer_the_venue_did_not_assign(client, setting):  # noqa: ANN001
    actor, paper = _prepare(setting, "chair_open", state="submitted")
    client.force_login(actor)
    response = client.post(
        f"/api/v1/disclosures/{paper.pk}/assign/",
        {"reviewer": "vera"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert Disclosure.objects.get(pk=paper.pk).assigned_reviewer_id is None


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_claim_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="submitted")
    client.force_login(actor)
    client.post(f"/disclosures/{paper.pk}/act/claim/", {})
    assert _state(paper) == ("in_review" if actor_name in ALLOWED else "submitted")


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_request_changes_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="in_review")
    client.force_login(actor)
    client.post(f"/disclosures/{paper.pk}/act/request-changes/", {"reason": "Which PUE?"})
    expected = "changes_requested" if actor_name in ALLOWED else "in_review"
    assert _state(paper) == expected


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_assign_form_follows_the_venue_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="submitted")
    client.force_login(actor)
    client.post(f"/disclosures/review/{paper.pk}/assign/", {"reviewer": "ada"})
    paper.refresh_from_db()
    expected = "ada" if actor_name in CHAIRS_ALLOWED else None
    assert (paper.assigned_reviewer.username if paper.assigned_reviewer else None) == expected


@pytest.mark.parametrize("action", ["release", "reject"])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_bulk_form_follows_the_venue_rule(client, setting, actor_name, action):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="in_review")
    client.force_login(actor)
    client.post(
        "/disclosures/review/bulk/",
        {"action": action, "disclosures": [paper.pk], "reason": "Bulk decision."},
    )
    done = {"release": "submitted", "reject": "rejected"}[action]
    assert _state(paper) == (done if actor_name in CHAIRS_ALLOWED else "in_review")


@pytest.mark.parametrize("actor_name", ["other_chair", "chair_closed", "chair_open"])
def test_venue_decide_endpoint_follows_the_same_rule(client, setting, actor_name):  # noqa: ANN001
    actor, paper = _prepare(setting, actor_name, state="submitted")
    client.force_login(actor)
    client.post(
        f"/api/v1/venues/{setting['venue'].slug}/papers/{paper.pk}/decide/",
        {"decision": "reject", "reason": "Out of scope."},
        content_type="application/json",
    )
    assert _state(paper) == ("rejected" if actor_name == "chair_open" else "submitted")
