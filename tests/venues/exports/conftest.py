"""A venue paper with everything a packet shows: runs, a recomputation with flags and what-if,
a reviewer's review with checklist answers, and an audit trail."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from emissions.models import Disclosure
from registry.workflow import audit
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import (
    ChecklistAnswerFactory,
    RecomputationFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    conference_venue,
)
from venues.models import Venue


@dataclass
class Paper:
    venue: Venue
    disclosure: Disclosure


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # noqa: ANN001
    """The world's seven accounts would otherwise spend seconds in PBKDF2 per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def paper(world) -> Paper:  # noqa: ANN001
    venue = conference_venue()
    venue.chairs.add(world.chair)
    disclosure = DisclosureFactory(
        owner=world.researcher,
        venue=venue,
        venue_submission_id="1234",
        state="in_review",
        model_name="T5",
        paper_title="Exploring the limits of transfer learning",
        paper_authors=["Rita Researcher", "Oscar Other"],
        arxiv_id="1910.10683",
    )
    RecomputationFactory(disclosure=disclosure)
    assignment = ReviewAssignmentFactory(disclosure=disclosure, reviewer=world.reviewer)
    review = ReviewFactory(assignment=assignment, comments="PUE source missing, otherwise clear.")
    for item in venue.checklist_items.all():
        ChecklistAnswerFactory(review=review, item=item)
    audit(
        actor=world.researcher,
        subject=disclosure,
        action="submit",
        from_state="draft",
        to_state="submitted",
    )
    return Paper(venue=venue, disclosure=disclosure)
