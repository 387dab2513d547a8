"""A submission id is user text: in a venue ZIP it never becomes a path that climbs out of the
archive's folder or names a drive, whatever characters it holds."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import conference_venue
from venues.exports.registry import ExportOptions, exporter_for

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["../../etc/cron.d/x", "..\\..\\windows\\evil", "C:evil", "/abs/path", "a\tb\nc", "é"]


def test_it_names_zip_members_from_the_sanitised_submission_id(world):
    venue = conference_venue()
    for submission_id in HOSTILE_IDS:
        DisclosureFactory(
            owner=world.researcher,
            venue=venue,
            venue_submission_id=submission_id,
            state="submitted",
        )
    data = exporter_for("venue", "zip").render(venue, options=ExportOptions())
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == 1 + len(HOSTILE_IDS)
    for name in names:
        assert "/" not in name and "\\" not in name and ":" not in name and ".." not in name
        assert name.isascii() and name.isprintable(), name
