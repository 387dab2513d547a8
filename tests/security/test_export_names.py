"""Attack: a submission id that is a path ("../../x") becomes a ZIP member name.

A researcher writes the submission id; the chair's packet ZIP named each member after it, so
extracting the archive could write outside its folder. Members now carry the sanitised name.
"""

from __future__ import annotations

import io
import zipfile

from emissions.exports import exporter_for
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import conference_venue


def test_zip_members_never_carry_a_path_from_the_submission_id(world):  # noqa: ANN001
    venue = conference_venue()
    for submission_id in ("../../../etc/cron.d/evil", "/abs/path", "a\\b"):
        DisclosureFactory(
            owner=world.researcher,
            venue=venue,
            venue_submission_id=submission_id,
            state="submitted",
        )
    data = exporter_for("venue", "zip").render(venue)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == [
        "00-cover-summary.pdf",
        "neurips-2026-_________etc_cron_d_evil.pdf",
        "neurips-2026-_abs_path.pdf",
        "neurips-2026-a_b.pdf",
    ]
