"""A venue with the shared world's reviewers on its team and papers awaiting review."""

from __future__ import annotations

import pytest

from tests.factories.venues import conference_venue
from venues.models import Venue


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # noqa: ANN001
    """The world's seven accounts would otherwise spend seconds in PBKDF2 per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def venue(world) -> Venue:  # noqa: ANN001
    venue = conference_venue()
    venue.chairs.add(world.chair)
    venue.reviewers.add(world.reviewer, world.conflicted_reviewer)
    return venue
