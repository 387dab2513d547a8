"""The verdict rule and the four-eyes override: "verified" means the recomputation agrees, or
that two people (the reviewer, then a chair of the venue or an editor) accepted it despite the
recomputation, and said why."""

import pytest
from django.db import DatabaseError, transaction
from django.utils.html import escape

from emissions.models import (
    Disclosure,
    DisclosureComment,
    OverrideOutcome,
    Recomputation,
    VerificationOverride,
)
from emissions.presentation import disclosure_badge, verification_badge
from emissions.selectors import disclosures_public
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import (
    disclosure_actions_for,
    disclosure_transition,
    disclosures_bulk_transition,
)
from registry.models import AuditEvent
from registry.workflow import TransitionNotAllowed
from tests.emissions.conftest import make_disclosure
from tests.factories.accounts import UserFactory
from tests.factories.emissions import VenueFactory
from venues.models import ReviewAssignment

# T5's recomputation is 46.5 t: 70 t claimed is +51%, a major discrepancy.
OVER_CLAIM = {"claim_tco2e": 70.0}
REASON = "The authors' meter readings cover a second cluster the runs omit."


def act(world, action, disclosure, who, reason=""):
    return disclosure_transition(
        action=action, disclosure_id=disclosure.pk, actor=getattr(world, who), reason=reason
    )


@pytest.fixture
def over_claim(world):
    return make_disclosure(world, "in_review", **OVER_CLAIM)


@pytest.fixture
def pending(world, over_claim):
    return act(world, "override", over_claim, "reviewer", REASON)


def test_the_over_claim_is_a_major_discrepancy(over_claim):
    assert over_claim.recomputations.get().verdict == "major_discrepancy"


def test_it_refuses_to_verify_a_major_discrepancy_and_says_why(world, over_claim):
    with pytest.raises(TransitionNotAllowed) as refused:
        act(world, "verify", over_claim, "reviewer", "Looks fine to me")
    assert str(refused.value).startswith(
        "cannot verify: the registry's recomputation finds a major discrepancy "
        "(claimed 70 t, recomputed 46.5 t, +51%)"
    )
    assert "record an override with its reason" in str(refused.value)
    over_claim.refresh_from_db()
    assert (over_claim.state, over_claim.decided_at) == ("in_review", None)


def test_it_verifies_a_consistent_disclosure_against_its_recomputation(world):
    disclosure = make_disclosure(world, "verified")
    assert disclosure.decision_recomputation == disclosure.recomputations.get()
    assert disclosure_badge(disclosure).label == "Verified: consistent"


def test_it_refuses_to_verify_while_the_recomputation_is_stale(world):
    disclosure = make_disclosure(world, "in_review")
    disclosure.recomputations.update(catalog_version="2020.1")
    with pytest.raises(
        TransitionNotAllowed, match="recomputation is stale: it used factor catalog"
    ):
        act(world, "verify", disclosure, "reviewer", "Agrees.")


def test_it_verifies_once_the_stale_recomputation_is_redone(world):
    disclosure = make_disclosure(world, "in_review")
    disclosure.recomputations.update(catalog_version="2020.1")
    disclosure_recompute(disclosure_id=disclosure.pk)
    assert act(world, "verify", disclosure, "reviewer", "Agrees.").state == "verified"


def test_it_refuses_to_verify_while_the_recomputation_is_pending(world):
    disclosure = make_disclosure(world, "in_review")
    Recomputation.objects.filter(disclosure=disclosure).delete()
    with pytest.raises(TransitionNotAllowed, match=r"recomputation pending"):
        act(world, "verify", disclosure, "reviewer", "Agrees.")


def test_bulk_verify_refuses_a_major_discrepancy_in_the_same_words(world, over_claim):
    outcome = disclosures_bulk_transition(
        action="verify", disclosure_ids=[over_claim.pk], actor=world.chair, reason="Fine."
    )
    assert outcome.done == []
    assert outcome.refused[over_claim.pk].startswith(
        "cannot verify: the registry's recomputation finds a major discrepancy"
    )


def test_it_refuses_an_override_nobody_needs(world):
    disclosure = make_disclosure(world, "in_review")
    with pytest.raises(TransitionNotAllowed, match="no override needed: .* consistent; verify"):
        act(world, "override", disclosure, "reviewer", REASON)


def test_an_override_needs_a_reason(world, over_claim):
    with pytest.raises(TransitionNotAllowed, match="'override' needs a reason"):
        act(world, "override", over_claim, "reviewer", "  ")


def test_a_lone_override_publishes_nothing(world, pending):
    override = VerificationOverride.objects.get(disclosure=pending)
    assert (pending.state, pending.decided_at) == ("override_pending", None)
    assert (override.outcome, override.verdict, override.reason) == (
        "pending",
        "major_discrepancy",
        REASON,
    )
    assert not disclosures_public().filter(pk=pending.pk).exists()
    assert disclosure_badge(pending) is None


def test_the_public_does_not_see_a_pending_override(client, pending):
    assert client.get(f"/disclosures/{pending.pk}/").status_code == 404


def test_a_chair_confirms_the_override_and_it_is_verified(world, pending):
    verified = act(world, "confirm_override", pending, "chair")
    override = VerificationOverride.objects.get(disclosure=pending)
    assert (verified.state, override.outcome, override.answered_by) == (
        "verified",
        OverrideOutcome.CONFIRMED,
        world.chair,
    )
    assert verified.decision_recomputation_id == override.recomputation_id
    assert disclosure_badge(verified).label == (
        f"Accepted despite a major discrepancy (override: {REASON})"
    )
    actions = AuditEvent.objects.filter(subject_id=pending.pk).values_list("action", "actor_label")
    assert [a for a in actions if a[0] in ("override", "confirm_override")] == [
        ("override", "vera"),
        ("confirm_override", "chris"),
    ]


def test_the_public_page_shows_the_override_label(client, world, pending):
    act(world, "confirm_override", pending, "editor")
    page = client.get(f"/disclosures/{pending.pk}/").content.decode()
    assert escape(f"Accepted despite a major discrepancy (override: {REASON})") in page
    assert "✓ Verified" not in page


def test_a_reviewer_cannot_confirm_their_own_override(world, over_claim):
    act(world, "override", over_claim, "chair", REASON)
    with pytest.raises(TransitionNotAllowed, match="an override needs a second person"):
        act(world, "confirm_override", over_claim, "chair")
    assert Disclosure.objects.get(pk=over_claim.pk).state == "override_pending"


def test_the_database_refuses_an_override_answered_by_its_author(world, pending):
    with (
        pytest.raises(DatabaseError, match="override_answered_by_someone_else"),
        transaction.atomic(),
    ):
        VerificationOverride.objects.filter(disclosure=pending).update(answered_by=world.reviewer)


# Who may override (from in review), confirm and decline (from override pending).
OVERRIDE_MATRIX = {
    # researcher, other_researcher, reviewer, conflicted_reviewer, chair, editor, staff
    "override": (False, False, True, False, True, False, True),
    "confirm_override": (False, False, False, False, True, True, True),
    "decline_override": (False, False, False, False, True, True, True),
}
PEOPLE = ("researcher", "other_researcher", "reviewer", "conflicted_reviewer", "chair")
PEOPLE += ("editor", "staff")


@pytest.mark.parametrize(
    ("action", "who", "allowed"),
    [
        pytest.param(action, who, allowed, id=f"{action}-{who}")
        for action, row in OVERRIDE_MATRIX.items()
        for who, allowed in zip(PEOPLE, row, strict=True)
    ],
)
def test_it_lets_exactly_the_right_people_override_and_confirm(world, action, who, allowed):
    disclosure = make_disclosure(world, "in_review", **OVER_CLAIM)
    if action != "override":
        act(world, "override", disclosure, "reviewer", REASON)
    disclosure.refresh_from_db()
    assert (action in disclosure_actions_for(getattr(world, who), disclosure)) is allowed
    if allowed:
        after = act(world, action, disclosure, who, "Checked the meter logs.")
        assert (
            after.state
            == {
                "override": "override_pending",
                "confirm_override": "verified",
                "decline_override": "in_review",
            }[action]
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            act(world, action, disclosure, who, "Checked the meter logs.")
        assert Disclosure.objects.get(pk=disclosure.pk).state == disclosure.state


def test_only_a_chair_of_its_venue_confirms_a_venue_disclosure(world):
    venue_chair = UserFactory(username="vic", email="vic@venue.example", role="chair")
    venue = VenueFactory(slug="neurips-2026")
    venue.chairs.add(venue_chair)
    disclosure = make_disclosure(world, "in_review", **OVER_CLAIM)
    Disclosure.objects.filter(pk=disclosure.pk).update(venue=venue)
    # At a venue, only a reviewer the venue assigned acts on the paper (the venue rule).
    ReviewAssignment.objects.create(
        venue=venue, disclosure=disclosure, reviewer=world.reviewer, source="manual"
    )
    act(world, "override", disclosure, "reviewer", REASON)
    with pytest.raises(TransitionNotAllowed):
        act(world, "confirm_override", disclosure, "chair")  # a chair, but not of this venue
    confirmed = disclosure_transition(
        action="confirm_override", disclosure_id=disclosure.pk, actor=venue_chair
    )
    assert confirmed.state == "verified"


def test_a_declined_override_goes_back_to_its_reviewer(world, pending):
    back = act(world, "decline_override", pending, "editor", "Ask for the meter logs first.")
    assert (back.state, back.assigned_reviewer) == ("in_review", world.reviewer)
    assert VerificationOverride.objects.get(disclosure=pending).outcome == "declined"
    again = act(world, "override", back, "reviewer", "Meter logs received.")
    assert again.state == "override_pending"


def test_withdrawing_drops_the_pending_override(world, pending):
    act(world, "withdraw", pending, "researcher")
    assert VerificationOverride.objects.get(disclosure=pending).outcome == "withdrawn"


def test_it_refuses_to_confirm_after_the_recomputation_changed(world, pending):
    pending.recomputations.update(catalog_version="2020.1")
    disclosure_recompute(disclosure_id=pending.pk)
    with pytest.raises(TransitionNotAllowed, match="recomputation changed since the override"):
        act(world, "confirm_override", pending, "chair")


def test_a_request_for_changes_appears_in_the_review_conversation(world, over_claim):
    act(world, "request_changes", over_claim, "reviewer", "Which intensity did you use?")
    comment = DisclosureComment.objects.get(disclosure=over_claim)
    assert (comment.author, comment.body) == (
        world.reviewer,
        "Changes requested: Which intensity did you use?",
    )


@pytest.mark.parametrize(
    ("verdict", "reason", "label"),
    [
        ("consistent", "", "Verified: consistent"),
        ("minor_discrepancy", "", "Verified: minor discrepancy"),
        (
            "major_discrepancy",
            "Metered.",
            "Accepted despite a major discrepancy (override: Metered.)",
        ),
        ("implausible", "Odd.", "Accepted despite an implausible claim (override: Odd.)"),
        ("insufficient_data", "Old.", "Accepted despite insufficient data (override: Old.)"),
    ],
)
def test_the_badge_says_what_was_verified(verdict, reason, label):
    badge = verification_badge(state="verified", verdict=verdict, override_reason=reason)
    assert badge.label == label


def test_an_unverified_disclosure_has_no_badge():
    assert verification_badge(state="override_pending", verdict="major_discrepancy") is None


class TestApi:
    def test_it_answers_409_with_the_rule_in_words(self, client, world, over_claim):
        client.force_login(world.reviewer)
        response = client.post(
            f"/api/v1/disclosures/{over_claim.pk}/verify/",
            {"reason": "Looks fine."},
            content_type="application/json",
        )
        assert response.status_code == 409
        assert "major discrepancy" in str(response.json()["errors"])
        assert "override" in response.json()["allowed"]

    def test_override_then_confirm_through_the_api(self, client, world, over_claim):
        client.force_login(world.reviewer)
        response = client.post(
            f"/api/v1/disclosures/{over_claim.pk}/override/",
            {"reason": REASON},
            content_type="application/json",
        )
        assert (response.status_code, response.json()["state"]) == (200, "override_pending")
        client.force_login(world.editor)
        response = client.post(
            f"/api/v1/disclosures/{over_claim.pk}/confirm-override/",
            {},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert response.json()["verification"] == {
            "label": f"Accepted despite a major discrepancy (override: {REASON})",
            "tone": "override",
            "verdict": "major_discrepancy",
            "override_reason": REASON,
        }


class TestReviewPage:
    def test_it_tells_the_reviewer_why_verify_is_not_possible(self, client, world, over_claim):
        client.force_login(world.reviewer)
        page = client.get(f"/disclosures/review/{over_claim.pk}/").content.decode()
        assert "Verify is not possible now:" in page
        assert "Accept despite the verdict (override)" in page
        assert page.count('id="decision-reason"') == 1  # one reason box for the decision
        assert 'id="reason-verify"' not in page

    def test_the_refused_verify_button_says_why_after_a_post(self, client, world, over_claim):
        client.force_login(world.reviewer)
        response = client.post(
            f"/disclosures/{over_claim.pk}/act/verify/", {"reason": "Fine."}, follow=True
        )
        assert "Cannot verify: the registry&#x27;s recomputation finds a major" in (
            response.content.decode()
        )


def test_the_packet_and_the_summaries_say_what_the_page_says(world, pending):
    from venues.exports.collect import packet_data_for, summary_rows
    from venues.exports.packet import packet_html

    verified = act(world, "confirm_override", pending, "chair")
    label = f"Accepted despite a major discrepancy (override: {REASON})"
    (row,) = summary_rows([verified])
    assert (row.verification, row.verdict, row.deviation_pct) == (label, "major_discrepancy", 50.5)
    packet = packet_data_for(verified)
    assert packet.verification == label
    html = packet_html(packet)
    assert escape(label) in html and "Major discrepancy" in html
