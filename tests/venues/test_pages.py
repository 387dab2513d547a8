from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory, ReviewAssignmentFactory
from venues.models import ExportJob, Review


@pytest.fixture
def exports_root(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


@pytest.fixture
def submitted(venue, world):  # noqa: ANN001, ANN201
    disclosure = DisclosureFactory(
        owner=world.researcher,
        venue=venue,
        venue_submission_id="42",
        state="submitted",
        paper_title="Green transformers",
    )
    RecomputationFactory(disclosure=disclosure)
    ReviewAssignmentFactory(disclosure=disclosure, reviewer=world.reviewer)
    return disclosure


def test_it_shows_the_chair_dashboard_to_the_venues_chair(client, venue, world, submitted) -> None:  # noqa: ANN001
    client.force_login(world.chair)
    response = client.get(reverse("venues:detail", args=[venue.slug]))
    assert response.status_code == 200
    assert b"chair dashboard" in response.content
    assert b"Green transformers" in response.content


@pytest.mark.parametrize("who", ["other_researcher", "researcher", "editor"])
def test_it_hides_the_venue_from_people_outside_it(client, venue, world, who) -> None:  # noqa: ANN001
    client.force_login(getattr(world, who))
    assert client.get(reverse("venues:detail", args=[venue.slug])).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, venue) -> None:  # noqa: ANN001
    response = client.get(reverse("venues:detail", args=[venue.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_keeps_reviewers_out_of_the_chairs_pages(client, venue, world) -> None:  # noqa: ANN001
    client.force_login(world.reviewer)
    assert client.get(reverse("venues:assignments", args=[venue.slug])).status_code == 404
    assert client.get(reverse("venues:exports", args=[venue.slug])).status_code == 404


def test_a_reviewer_writes_a_review_through_the_form(client, venue, world, submitted) -> None:  # noqa: ANN001
    client.force_login(world.reviewer)
    url = reverse("venues:review", args=[venue.slug, submitted.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "answer_neurips-8": "yes",
            "justification_neurips-8": "",
            "answer_acl-c1": "na",
            "justification_acl-c1": "Parameters are stated; no GPU-hours.",
            "completeness": "4",
            "recommendation": "verify",
            "comments": "Fine.",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.completeness, review.recommendation) == (4, "verify")


def test_the_review_form_is_a_404_for_a_conflicted_reviewer(
    client, venue, world, submitted
) -> None:  # noqa: ANN001
    client.force_login(world.conflicted_reviewer)
    url = reverse("venues:review", args=[venue.slug, submitted.pk])
    assert client.get(url).status_code == 404


def test_the_chair_decides_on_the_paper_page(client, venue, world, submitted) -> None:  # noqa: ANN001
    client.force_login(world.chair)
    url = reverse("venues:paper", args=[venue.slug, submitted.pk])
    response = client.post(url, {"decision": "request_changes", "reason": "Add the PUE source."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "changes_requested"


def test_an_import_with_bad_rows_lists_them_and_imports_nothing(
    client, venue, world, submitted
) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.chair)
    upload = SimpleUploadedFile(
        "a.csv", b"submission_id,reviewer_email\n42,nobody@x.example\n", content_type="text/csv"
    )
    response = client.post(
        reverse("venues:assignment_import", args=[venue.slug]), {"file": upload}, follow=True
    )
    assert b"row 1: no account with email" in response.content


def test_the_chair_builds_and_downloads_the_packet_zip(  # noqa: ANN001
    client, venue, world, submitted, exports_root, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EXPORT_BUILD_IN_THREAD = False  # built in the request, so the test sees it done
    client.force_login(world.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("venues:export_start", args=[venue.slug]), {"paper_size": "A4"}
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("venues:export_job", args=[venue.slug, job.pk])
    page = client.get(response["Location"])
    assert b"Ready to download" in page.content
    assert b'http-equiv="refresh"' not in page.content
    download = client.get(reverse("venues:export_download", args=[venue.slug, job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == ["00-cover-summary.pdf", "neurips-2026-42.pdf"]


def test_the_progress_page_refreshes_itself_while_building(client, venue, world) -> None:  # noqa: ANN001
    job = ExportJob.objects.create(venue=venue, state="running", progress_total=10, progress_done=3)
    client.force_login(world.chair)
    page = client.get(reverse("venues:export_job", args=[venue.slug, job.pk]))
    assert b'<meta http-equiv="refresh" content="2">' in page.content
    assert b"3 of 10 files (30%)" in page.content


def test_an_assigned_reviewer_downloads_the_packet_but_a_conflicted_one_gets_404(  # noqa: ANN001
    client, venue, world, submitted
) -> None:
    url = reverse("venues:disclosure_export", args=[submitted.pk, "pdf"])
    client.force_login(world.reviewer)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="neurips-2026-42.pdf"'
    client.force_login(world.conflicted_reviewer)
    assert client.get(url).status_code == 404


def test_anyone_may_download_a_verified_disclosures_statement_but_not_its_packet(  # noqa: ANN001
    client, venue, world
) -> None:
    verified = DisclosureFactory(owner=world.researcher, venue=venue, state="verified")
    statement = client.get(reverse("venues:disclosure_export", args=[verified.pk, "txt"]))
    assert statement.status_code == 200
    assert statement.content.startswith(b"Training ")
    packet = client.get(reverse("venues:disclosure_export", args=[verified.pk, "pdf"]))
    assert packet.status_code == 404


def test_the_chairs_paper_page_shows_the_numbers(client, venue, world, submitted) -> None:  # noqa: ANN001
    client.force_login(world.chair)
    page = client.get(reverse("venues:paper", args=[venue.slug, submitted.pk])).content.decode()
    assert "Claimed against recomputed" in page
    assert "52.4 t" in page and "Major discrepancy" in page
    assert "Warnings (1)" in page  # the info note is not a warning
    assert f'href="/disclosures/{submitted.pk}/"' in page


def test_the_dashboard_uses_human_labels_and_counts_warnings_only(  # noqa: ANN001
    client, venue, world, submitted
) -> None:
    client.force_login(world.chair)
    page = client.get(reverse("venues:detail", args=[venue.slug])).content.decode()
    assert "Major discrepancy" in page and "major_discrepancy<" not in page
    row = page[page.index("Green transformers") :]
    row = row[: row.index("</tr>")]
    assert "<td>-11%</td>\n      <td>1</td>\n      <td>0 / 1</td>" in row  # one warning
    assert "Reviews written</dt><dd>0 of 1 assigned (1 due" in page
    assert "Papers short of reviewers" in page


def test_the_chairs_paper_page_points_to_a_pending_override(client, venue, world) -> None:  # noqa: ANN001
    from emissions.models import VerificationOverride

    paper = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="7", state="override_pending"
    )
    VerificationOverride.objects.create(
        disclosure=paper,
        recomputation=RecomputationFactory(disclosure=paper),
        verdict="major_discrepancy",
        reason="Metered on a second cluster.",
        requested_by=world.reviewer,
    )
    client.force_login(world.chair)
    page = client.get(reverse("venues:paper", args=[venue.slug, paper.pk])).content.decode()
    assert "accepted it despite major discrepancy" in page
    assert "confirm or decline the override" in page
