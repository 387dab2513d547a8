from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from emissions.models import Recomputation, ReviewConflict
from emissions.selectors import (
    LeaderboardFilters,
    disclosures_for_reviewer,
    disclosures_leaderboard,
    disclosures_visible_to,
    leaderboard_filter_choices,
    review_queue,
)
from tests.emissions.conftest import make_disclosure
from tests.factories.accounts import UserFactory
from tests.factories.emissions import DisclosureFactory

STATES = [
    "draft",
    "submitted",
    "in_review",
    "changes_requested",
    "verified",
    "rejected",
    "withdrawn",
]


@pytest.fixture
def every_state(world):
    return {state: make_disclosure(world, state) for state in STATES}


def visible_states(user, every_state):
    ids = set(disclosures_visible_to(user).values_list("pk", flat=True))
    return sorted(state for state, d in every_state.items() if d.pk in ids)


def test_it_shows_anonymous_visitors_only_verified_disclosures(every_state):
    assert visible_states(AnonymousUser(), every_state) == ["verified"]


def test_it_shows_the_researcher_all_their_own(world, every_state):
    assert visible_states(world.researcher, every_state) == sorted(STATES)


def test_it_shows_another_researcher_only_verified_ones(world, every_state):
    assert visible_states(world.other_researcher, every_state) == ["verified"]


def test_it_shows_a_reviewer_everything_but_drafts_and_withdrawn(world, every_state):
    assert visible_states(world.reviewer, every_state) == [
        "changes_requested",
        "in_review",
        "rejected",
        "submitted",
        "verified",
    ]


def test_it_shows_a_conflicted_reviewer_only_what_the_public_sees(world, every_state):
    assert visible_states(world.conflicted_reviewer, every_state) == ["verified"]


def test_it_excludes_a_reviewers_own_disclosures_from_their_queue(world):
    own = DisclosureFactory(owner=world.reviewer, organisation="Institute C", state="submitted")
    assert own not in disclosures_for_reviewer(world.reviewer)


def test_it_detects_a_conflict_by_email_domain(world):
    colleague = UserFactory(username="cora", email="cora@inst-c.example", organisation="")
    theirs = DisclosureFactory(owner=colleague, organisation="Elsewhere", state="submitted")
    assert theirs not in disclosures_for_reviewer(world.reviewer)


def test_it_ignores_shared_free_mail_domains(world):
    reviewer = UserFactory(username="gil", email="gil@gmail.com", role="reviewer")
    author = UserFactory(username="gus", email="gus@gmail.com", organisation="Lab G")
    theirs = DisclosureFactory(owner=author, organisation="Lab G", state="submitted")
    assert theirs in disclosures_for_reviewer(reviewer)


def test_it_detects_a_conflict_by_the_disclosures_organisation(world):
    outsider = UserFactory(username="ola", email="ola@else.example", organisation="")
    theirs = DisclosureFactory(owner=outsider, organisation="institute c", state="submitted")
    assert theirs not in disclosures_for_reviewer(world.reviewer)


def test_it_honours_a_declared_conflict(world):
    submitted = make_disclosure(world, "submitted")
    ReviewConflict.objects.create(disclosure=submitted, reviewer=world.reviewer)
    assert submitted not in disclosures_for_reviewer(world.reviewer)


def test_it_applies_the_conflict_rule_to_chairs(world):
    chair = UserFactory(username="cat", email="cat@uni-a.example", role="chair")
    submitted = make_disclosure(world, "submitted")
    assert submitted not in disclosures_for_reviewer(chair)


def test_it_gives_researchers_no_review_queue(world):
    make_disclosure(world, "submitted")
    assert list(review_queue(world.other_researcher)) == []


def test_it_lists_only_awaiting_disclosures_in_the_queue(world, every_state):
    assert sorted(d.state for d in review_queue(world.reviewer)) == ["in_review", "submitted"]


def _recomputed(disclosure, gross_tco2e, verdict="consistent"):
    Recomputation.objects.create(
        disclosure=disclosure,
        input_hash=disclosure.input_hash,
        catalog_version="test",
        verdict=verdict,
        gross_tco2e=gross_tco2e,
    )
    return disclosure


def test_it_ranks_the_leaderboard_by_the_recomputed_figure_not_the_claim(world):
    over_claimed = _recomputed(DisclosureFactory(state="verified", claim_tco2e=500.0), 5.0)
    modest = _recomputed(DisclosureFactory(state="verified", claim_tco2e=10.0), 50.0)
    _recomputed(DisclosureFactory(state="submitted", claim_tco2e=1000.0), 1000.0)
    assert list(disclosures_leaderboard(sort="tco2e")) == [modest, over_claimed]
    assert list(disclosures_leaderboard(sort="claimed")) == [over_claimed, modest]


def test_it_filters_the_leaderboard_by_hardware_region_year_and_verdict(world):
    tpu = _recomputed(
        DisclosureFactory(
            state="verified",
            runs=[{"accelerator": "TPU v3", "location": {"country": "USA"}}],
            decided_at=datetime(2025, 3, 1, tzinfo=UTC),
        ),
        5.0,
    )
    gpu = _recomputed(
        DisclosureFactory(
            state="verified",
            runs=[{"accelerator": "A100-40GB", "location": {"country": "FRA"}}],
            decided_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        50.0,
        verdict="minor_discrepancy",
    )

    def board(**filters):
        return list(disclosures_leaderboard(filters=LeaderboardFilters(**filters)))

    assert board(hardware="TPU v3") == [tpu]
    assert board(region="FRA") == [gpu]
    assert board(year=2025) == [tpu]
    assert board(verdict="minor_discrepancy") == [gpu]
    assert leaderboard_filter_choices() == {
        "hardware": ["A100-40GB", "TPU v3"],
        "regions": ["FRA", "USA"],
        "years": [2026, 2025],
    }


def test_it_falls_back_to_the_default_sort_for_an_unknown_one(world):
    small = DisclosureFactory(state="verified", claim_tco2e=3.2)
    large = DisclosureFactory(state="verified", claim_tco2e=552.1)
    assert list(disclosures_leaderboard(sort="; drop table")) == [large, small]


