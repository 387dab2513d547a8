"""One flow in a real browser: a chair builds the venue's ZIP of packets and downloads it."""

from __future__ import annotations

import zipfile

import pytest

from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory, conference_venue


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chair_builds_the_venue_zip_and_downloads_it(page, world, settings, tmp_path) -> None:  # noqa: ANN001
    settings.EXPORTS_ROOT = tmp_path / "exports"
    venue = conference_venue()
    venue.chairs.add(world.chair)
    for number in ("7", "8"):
        paper = DisclosureFactory(
            owner=world.researcher, venue=venue, venue_submission_id=number, state="submitted"
        )
        RecomputationFactory(disclosure=paper)

    page.goto("/accounts/login/?next=/venues/neurips-2026/exports/")
    page.fill("input[name=username]", "chris")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button:has-text('Log in')")
    page.wait_for_url("**/venues/neurips-2026/exports/")

    page.select_option("select[name=paper_size]", "Letter")
    page.click("button:has-text('Build ZIP of packets')")
    page.wait_for_url("**/venues/neurips-2026/exports/*/")
    # Without a broker the build ran in the request; with one, the page refreshes itself.
    page.wait_for_selector("text=Ready to download", timeout=60_000)

    with page.expect_download() as download_info:
        page.click("a:has-text('Download neurips-2026-packets.zip')")
    download = download_info.value
    assert download.suggested_filename == "neurips-2026-packets.zip"
    saved = tmp_path / "packets.zip"
    download.save_as(saved)
    assert zipfile.ZipFile(saved).namelist() == [
        "00-cover-summary.pdf",
        "neurips-2026-7.pdf",
        "neurips-2026-8.pdf",
    ]
