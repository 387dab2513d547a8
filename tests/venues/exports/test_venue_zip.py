from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories.emissions import DisclosureFactory
from tests.venues.exports.helpers import pdf_text
from venues.exports import ExportOptions, exporter_for
from venues.models import ExportJob
from venues.services.exports import (
    export_job_build,
    export_job_start,
    export_jobs_expire,
    export_path,
)
from venues.services.venues import VenuePermissionDenied


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path) -> Path:  # noqa: ANN001
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


def test_it_zips_a_cover_summary_and_one_packet_per_paper(paper, world) -> None:  # noqa: ANN001
    DisclosureFactory(
        owner=world.researcher, venue=paper.venue, venue_submission_id="77", state="submitted"
    )
    DisclosureFactory(
        owner=world.researcher, venue=paper.venue, venue_submission_id="88", state="draft"
    )
    seen: list[tuple[int, int]] = []
    data = exporter_for("venue", "zip").render(
        paper.venue, options=ExportOptions(progress=lambda done, total: seen.append((done, total)))
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [
        "00-cover-summary.pdf",
        "neurips-2026-1234.pdf",
        "neurips-2026-77.pdf",
    ]
    cover = pdf_text(archive.read("00-cover-summary.pdf"))
    assert "NeurIPS 2026: emissions review summary" in cover
    assert "2 papers" in cover
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_it_builds_an_export_job_with_progress_and_an_expiry(paper, world, settings) -> None:  # noqa: ANN001
    job = export_job_start(actor=world.chair, venue=paper.venue)
    job.refresh_from_db()  # eager Celery ran the build on commit (or the test calls it)
    if job.state != "done":
        job = export_job_build(job_id=job.pk)
    assert job.state == "done"
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.size_bytes == export_path(job).stat().st_size
    assert job.expires_at - job.finished_at == dt.timedelta(hours=settings.EXPORT_TTL_HOURS)
    assert zipfile.ZipFile(export_path(job)).namelist()[1] == "neurips-2026-1234.pdf"


def test_it_refuses_an_export_to_someone_who_does_not_chair_the_venue(paper, world) -> None:  # noqa: ANN001
    with pytest.raises(VenuePermissionDenied):
        export_job_start(actor=world.reviewer, venue=paper.venue)
    assert ExportJob.objects.count() == 0


def test_it_deletes_expired_export_files(paper, world) -> None:  # noqa: ANN001
    job = export_job_build(job_id=export_job_start(actor=None, venue=paper.venue).pk)
    path = export_path(job)
    assert export_jobs_expire(now=timezone.now()) == 0
    assert export_jobs_expire(now=job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.state == "expired"
    assert not path.exists()


def test_export_venue_command_writes_the_three_files(paper, tmp_path) -> None:  # noqa: ANN001
    call_command("export_venue", "neurips-2026", str(tmp_path / "out"), "--workers", "1")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["packets.zip", "summary.csv", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["papers"][0]["submission_id"] == "1234"
    assert (out / "summary.csv").read_text().startswith("submission_id,disclosure_id,")
    assert len(zipfile.ZipFile(out / "packets.zip").namelist()) == 2


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("pdf", b"%PDF"),
        ("tex", b"\\paragraph{Carbon emissions.} Training T5"),
        ("txt", b"Training T5"),
        ("hf", b"co2_eq_emissions:"),
    ],
)
def test_export_disclosure_command_writes_each_format(paper, tmp_path, fmt, start) -> None:  # noqa: ANN001
    out = tmp_path / f"out.{fmt}"
    call_command("export_disclosure", str(paper.disclosure.pk), "--format", fmt, str(out))
    assert out.read_bytes().startswith(start)
