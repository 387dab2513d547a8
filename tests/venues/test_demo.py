from __future__ import annotations

from collections import Counter

from emissions import demo_venue
from emissions.models import DisclosureState, Review


def test_it_loads_a_demo_venue_with_papers_in_every_state(db, settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    venue = demo_venue.load()
    states = Counter(venue.disclosures.values_list("state", flat=True))
    assert venue.slug == "demo"
    assert sum(states.values()) >= 12
    assert set(states) == set(DisclosureState.values)
    assert Review.objects.filter(assignment__venue=venue).count() >= 10
    assert venue.reviewers.count() == 4


def test_loading_twice_changes_nothing(db, settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = demo_venue.load()
    count = first.disclosures.count()
    assert demo_venue.load().pk == first.pk
    assert first.disclosures.count() == count
