from __future__ import annotations

from collections import Counter

from emissions.models import DisclosureState
from venues import demo as demo_venue
from venues.models import Review, Venue


def test_it_loads_a_demo_venue_with_papers_in_every_state(db, settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    report = demo_venue.load()
    venue = Venue.objects.get(slug="demo")
    assert report["papers"]["created"] == 15
    states = Counter(venue.disclosures.values_list("state", flat=True))
    assert venue.slug == "demo"
    assert sum(states.values()) >= 12
    assert set(states) == set(DisclosureState.values)
    assert Review.objects.filter(assignment__venue=venue).count() >= 10
    assert venue.reviewers.count() == 4


def test_loading_twice_changes_nothing(db, settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_venue.load()
    again = demo_venue.load()
    assert again["papers"] == {"created": 0, "updated": 0, "unchanged": 15}
    assert Venue.objects.get(slug="demo").disclosures.count() == 15
