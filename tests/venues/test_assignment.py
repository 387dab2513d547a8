from __future__ import annotations

import json

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.models import AuditEvent, User
from tests.factories.accounts import UserFactory
from tests.factories.emissions import DisclosureFactory
from venues.models import ReviewAssignment
from venues.services.assignment import (
    AssignmentRefused,
    RowError,
    assignment_add,
    assignments_auto,
    assignments_import,
    plan_balanced_assignment,
)
from venues.services.venues import VenueInputError, VenuePermissionDenied


def paper(venue, owner, submission_id: str, state: str = "submitted", **kwargs):  # noqa: ANN001, ANN201
    return DisclosureFactory(
        owner=owner, venue=venue, venue_submission_id=submission_id, state=state, **kwargs
    )


def test_it_assigns_a_reviewer_by_hand_and_audits_it(venue, world) -> None:  # noqa: ANN001
    disclosure = paper(venue, world.researcher, "1")
    assignment = assignment_add(
        actor=world.chair, venue=venue, disclosure=disclosure, reviewer=world.reviewer
    )
    assert (assignment.reviewer, assignment.source) == (world.reviewer, "manual")
    event = AuditEvent.objects.get(action="reviewer_assigned")
    assert (event.subject_id, event.actor_id) == (disclosure.pk, world.chair.pk)


def test_it_refuses_a_conflicted_reviewer_by_hand(venue, world) -> None:  # noqa: ANN001
    disclosure = paper(venue, world.researcher, "1")
    with pytest.raises(AssignmentRefused, match="conflict"):
        assignment_add(
            actor=world.chair,
            venue=venue,
            disclosure=disclosure,
            reviewer=world.conflicted_reviewer,
        )


def test_it_refuses_assignments_from_someone_who_does_not_chair_the_venue(venue, world) -> None:  # noqa: ANN001
    disclosure = paper(venue, world.researcher, "1")
    with pytest.raises(VenuePermissionDenied):
        assignment_add(
            actor=world.reviewer, venue=venue, disclosure=disclosure, reviewer=world.reviewer
        )


def test_it_gives_every_paper_n_reviewers_automatically(venue, world) -> None:  # noqa: ANN001
    team = [UserFactory(role="reviewer", email=f"r{i}@inst-{i}.example") for i in range(4)]
    venue.reviewers.add(*team)
    papers = [paper(venue, world.other_researcher, str(i), organisation="Lab B") for i in range(6)]
    result = assignments_auto(actor=world.chair, venue=venue, per_paper=2)
    assert result.short == {}
    counts = {p.pk: p.review_assignments.count() for p in papers}
    assert set(counts.values()) == {2}
    loads = [ReviewAssignment.objects.filter(reviewer=r).count() for r in [*team, world.reviewer]]
    assert max(loads) - min(loads) <= 1


def test_it_reports_papers_left_short_of_unconflicted_reviewers(venue, world) -> None:  # noqa: ANN001
    disclosure = paper(venue, world.researcher, "1")
    result = assignments_auto(actor=world.chair, venue=venue, per_paper=2)
    assert [a.reviewer for a in result.created] == [world.reviewer]
    assert result.short == {disclosure.pk: 1}


@given(
    reviewers=st.lists(st.integers(0, 3), min_size=1, max_size=6),
    papers=st.lists(st.integers(0, 3), min_size=1, max_size=6),
    per_paper=st.integers(1, 3),
)
@settings(max_examples=25, deadline=None)
@pytest.mark.django_db
def test_it_never_assigns_a_conflicted_reviewer(reviewers, papers, per_paper) -> None:  # noqa: ANN001
    """Random organisations for reviewers and authors; the real conflict rule decides."""
    with transaction.atomic():
        # Plain rows (no password hashing) keep each example fast.
        chair = User.objects.create(username="hyp-chair", role="chair")
        from tests.factories.venues import conference_venue

        venue = conference_venue(slug="hyp")
        team = [
            User.objects.create(
                username=f"hyp-r{i}",
                email=f"r{i}@org{org}.example",
                role="reviewer",
                organisation=f"Org {org}",
            )
            for i, org in enumerate(reviewers)
        ]
        venue.reviewers.add(*team)
        venue.chairs.add(chair)
        for j, org in enumerate(papers):
            author = User.objects.create(
                username=f"hyp-a{j}", email=f"a{j}@org{org}.example", organisation=f"Org {org}"
            )
            paper(venue, author, str(j), organisation=f"Org {org}")
        assignments_auto(actor=chair, venue=venue, per_paper=per_paper)
        for assignment in ReviewAssignment.objects.select_related("reviewer", "disclosure"):
            assert assignment.reviewer.organisation != assignment.disclosure.organisation
            assert assignment.reviewer.email_domain != assignment.disclosure.owner.email_domain
        for disclosure in venue.disclosures.all():
            eligible = sum(r.organisation != disclosure.organisation for r in team)
            assert disclosure.review_assignments.count() == min(per_paper, eligible)
        transaction.set_rollback(True)


@given(
    n_papers=st.integers(1, 12),
    n_reviewers=st.integers(1, 8),
    per_paper=st.integers(1, 4),
    conflicts=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 7)), max_size=30),
)
def test_the_plan_respects_conflicts_quotas_and_balance(
    n_papers, n_reviewers, per_paper, conflicts
) -> None:  # noqa: ANN001
    papers, reviewers = list(range(n_papers)), list(range(100, 100 + n_reviewers))
    eligible = {p: {r for r in reviewers if (p, r - 100) not in conflicts} for p in papers}
    plan = plan_balanced_assignment(
        papers=papers, reviewers=reviewers, eligible=eligible, existing={}, per_paper=per_paper
    )
    assert all(r in eligible[p] for p, r in plan)
    assert len(set(plan)) == len(plan)
    for p in papers:
        assert sum(1 for q, _ in plan if q == p) == min(per_paper, len(eligible[p]))
    if not conflicts:
        loads = [sum(1 for _, r in plan if r == reviewer) for reviewer in reviewers]
        assert max(loads) - min(loads) <= 1


def test_it_imports_assignments_from_csv(venue, world) -> None:  # noqa: ANN001
    paper(venue, world.researcher, "A-1")
    paper(venue, world.other_researcher, "A-2", organisation="Lab B")
    content = (
        "submission_id,reviewer_email\r\nA-1,VERA@inst-c.example\r\nA-2,vera@inst-c.example\r\n"
    )
    result = assignments_import(actor=world.chair, venue=venue, content=content, fmt="csv")
    assert result.errors == []
    assert sorted(a.disclosure.venue_submission_id for a in result.created) == ["A-1", "A-2"]
    assert {a.source for a in result.created} == {"import"}


def test_it_imports_nothing_and_names_every_bad_row(venue, world) -> None:  # noqa: ANN001
    paper(venue, world.researcher, "A-1")
    content = json.dumps(
        [
            {"submission_id": "A-1", "reviewer_email": "vera@inst-c.example"},
            {"submission_id": "A-1", "reviewer_email": "carl@uni-a.example"},
            {"submission_id": "NOPE", "reviewer_email": "vera@inst-c.example"},
            {"submission_id": "A-1", "reviewer_email": "ghost@nowhere.example"},
            {"submission_id": "A-1"},
            {"submission_id": "A-1", "reviewer_email": "vera@inst-c.example"},
        ]
    )
    result = assignments_import(actor=world.chair, venue=venue, content=content, fmt="json")
    assert result.created == []
    assert result.errors == [
        RowError(2, "carl@uni-a.example has a conflict with this paper"),
        RowError(3, "no paper with submission id 'NOPE' at this venue"),
        RowError(4, "no account with email 'ghost@nowhere.example'"),
        RowError(5, "submission_id and reviewer_email are required"),
        RowError(6, "the same pair appears twice in the file"),
    ]
    assert ReviewAssignment.objects.count() == 0


def test_it_refuses_a_csv_without_the_expected_header(venue, world) -> None:  # noqa: ANN001
    with pytest.raises(VenueInputError, match="submission_id and reviewer_email"):
        assignments_import(actor=world.chair, venue=venue, content="paper,who\n1,x", fmt="csv")


def test_a_reviewer_who_declares_a_conflict_gives_the_paper_back(venue, world) -> None:  # noqa: ANN001
    from venues.services.assignment import assignment_recuse

    disclosure = paper(venue, world.other_researcher, "1", organisation="Lab B")
    assignment_add(actor=world.chair, venue=venue, disclosure=disclosure, reviewer=world.reviewer)
    assignment_recuse(reviewer=world.reviewer, disclosure=disclosure, reason="Former advisor.")
    assert ReviewAssignment.objects.count() == 0
    with pytest.raises(AssignmentRefused, match="conflict"):
        assignment_add(
            actor=world.chair, venue=venue, disclosure=disclosure, reviewer=world.reviewer
        )
