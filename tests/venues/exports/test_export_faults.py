"""Exports killed or failing midway: the previous file stays whole, nothing half-written is
published, a job whose worker died is given up and its files deleted, and a job is built
once under one file name."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.files import partials_of
from tests.faults import subprocess_database_url, unwritable_folder
from venues.exports import exporter_for
from venues.models import ExportJob
from venues.services.exports import (
    export_job_build,
    export_job_start,
    export_jobs_expire,
    export_jobs_sweep_stuck,
    export_path,
)


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path) -> Path:  # noqa: ANN001
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


class _CrashingZip:
    """The venue ZIP exporter, dying after it has written part of the archive."""

    def write(self, venue, out, *, options) -> None:  # noqa: ANN001
        out.write(b"PK\x03\x04 half an archive")
        raise RuntimeError("worker lost mid-write")


def _crash_zip_exports(monkeypatch, module: str) -> None:  # noqa: ANN001
    real = exporter_for
    monkeypatch.setattr(
        f"{module}.exporter_for",
        lambda kind, ident: _CrashingZip() if ident == "zip" else real(kind, ident),
    )


def _kill_when_partial_appears(command: list[str], target: Path, **env: str) -> None:
    """Run a manage.py command and kill -9 it while `target` is being written."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": subprocess_database_url(), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not partials_of(target):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"never saw {target} being written: {process.stderr.read()!r}")
            time.sleep(0.005)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stderr.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_export_venue_leaves_the_previous_files_whole(paper, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    call_command("export_venue", "neurips-2026", str(out))
    good = (out / "packets.zip").read_bytes()

    _kill_when_partial_appears(["export_venue", "neurips-2026", str(out)], out / "packets.zip")

    assert (out / "packets.zip").read_bytes() == good
    assert len(zipfile.ZipFile(out / "packets.zip").namelist()) == 2
    assert len(partials_of(out / "packets.zip")) == 1  # killed mid-write: its temporary file
    call_command("export_venue", "neurips-2026", str(out))  # the next run clears it
    assert partials_of(out / "packets.zip") == []


def test_a_failing_export_venue_keeps_the_previous_zip_and_leaves_no_partial(
    paper,
    tmp_path,
    monkeypatch,  # noqa: ANN001
) -> None:
    out = tmp_path / "out"
    call_command("export_venue", "neurips-2026", str(out))
    good = (out / "packets.zip").read_bytes()
    _crash_zip_exports(monkeypatch, "venues.management.commands.export_venue")

    with pytest.raises(RuntimeError, match="worker lost mid-write"):
        call_command("export_venue", "neurips-2026", str(out))

    assert (out / "packets.zip").read_bytes() == good
    assert sorted(p.name for p in out.iterdir()) == ["packets.zip", "summary.csv", "summary.json"]


def test_export_venue_names_an_output_folder_it_cannot_create(paper, tmp_path) -> None:  # noqa: ANN001
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match=r"cannot create .*a-file/out: Not a directory"):
        call_command("export_venue", "neurips-2026", str(blocker / "out"))


def test_export_venue_names_an_output_folder_it_cannot_write(paper, tmp_path) -> None:  # noqa: ANN001
    folder = unwritable_folder(tmp_path)
    with pytest.raises(CommandError, match=f"cannot write {folder}/packets.zip"):
        call_command("export_venue", "neurips-2026", str(folder))


@pytest.mark.django_db(transaction=True)
def test_export_snapshot_names_an_output_folder_it_cannot_write(tmp_path) -> None:  # noqa: ANN001
    folder = unwritable_folder(tmp_path)
    with pytest.raises(CommandError, match=f"cannot write the snapshot to {folder}/snap"):
        call_command("export_snapshot", str(folder / "snap"))


def test_import_aiid_names_a_missing_path(db, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="does not exist. Nothing was imported."):
        call_command("import_aiid", str(tmp_path / "no-such-snapshot"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_failed_and_its_partial_deleted(
    paper, world, settings
) -> None:  # noqa: ANN001, E501
    # Built on commit in this thread: a background build thread would race the worker below.
    settings.EXPORT_BUILD_IN_THREAD = False
    job = export_job_start(actor=world.chair, venue=paper.venue)
    ExportJob.objects.filter(pk=job.pk).update(state="queued", file_name="")
    # The worker writes the whole ZIP under its temporary name, then hangs before the rename
    # until it is killed: with a one-paper venue a real build could otherwise finish before
    # the test sees its partial file.
    build = (
        "import time\n"
        "import venues.services.exports as exports\n"
        "real = exports.exporter_for\n"
        "class WritesThenHangs:\n"
        "    def write(self, *args, **kwargs):\n"
        "        real('venue', 'zip').write(*args, **kwargs)\n"
        "        time.sleep(600)\n"
        "exports.exporter_for = lambda *args: WritesThenHangs()\n"
        f"exports.export_job_build(job_id={job.pk})\n"
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", build],
        cwd=django_settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": subprocess_database_url(),
            "EXPORTS_ROOT": str(django_settings.EXPORTS_ROOT),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # The file name is chosen when the build starts: wait for it, then for its partial.
        deadline = time.monotonic() + 120
        while not (job.file_name and partials_of(export_path(job))):
            assert process.poll() is None and time.monotonic() < deadline, "build ended first"
            time.sleep(0.005)
            job.refresh_from_db()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # A statement the worker sent just before it was killed can still commit a heartbeat:
    # wait until the server has closed the dead worker's session.
    _wait_for_other_sessions_to_end()
    job.refresh_from_db()
    path = export_path(job)
    assert (job.state, path.exists(), len(partials_of(path))) == ("running", False, 1)

    killed_at = timezone.now()
    assert export_jobs_sweep_stuck(now=killed_at) == 0  # its heartbeat is still fresh
    later = killed_at + dt.timedelta(seconds=django_settings.EXPORT_JOB_STALE_SECONDS + 1)
    assert export_jobs_sweep_stuck(now=later) == 1
    job.refresh_from_db()
    assert (job.state, job.file_name, partials_of(path)) == ("failed", "", [])
    assert "worker building it died" in job.error


def test_a_failed_build_leaves_no_partial_file(paper, world, monkeypatch) -> None:  # noqa: ANN001
    job = export_job_start(actor=world.chair, venue=paper.venue)
    _crash_zip_exports(monkeypatch, "venues.services.exports")
    with pytest.raises(RuntimeError):
        export_job_build(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, os.listdir(django_settings.EXPORTS_ROOT)) == ("failed", [])


def test_a_job_being_built_is_not_started_again_under_a_new_name(paper, world) -> None:  # noqa: ANN001
    job = export_job_start(actor=world.chair, venue=paper.venue)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        state="running", file_name="x-packets-1-abc.zip", started_at=now, heartbeat_at=now
    )
    again = export_job_build(job_id=job.pk)  # a redelivered task while the first one runs
    assert (again.state, again.file_name) == ("running", "x-packets-1-abc.zip")
    assert not Path(django_settings.EXPORTS_ROOT).exists() or not any(
        Path(django_settings.EXPORTS_ROOT).iterdir()
    )


def test_a_job_whose_worker_died_is_rebuilt_under_its_one_file_name(paper, world) -> None:  # noqa: ANN001
    job = export_job_start(actor=world.chair, venue=paper.venue)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ExportJob.objects.filter(pk=job.pk).update(
        state="running", file_name="x-packets-1-abc.zip", started_at=long_ago, heartbeat_at=long_ago
    )
    debris = Path(django_settings.EXPORTS_ROOT) / ".x-packets-1-abc.zip.partial-0badf00d"
    debris.parent.mkdir(parents=True)
    debris.write_bytes(b"half")
    rebuilt = export_job_build(job_id=job.pk)
    assert (rebuilt.state, rebuilt.file_name) == ("done", "x-packets-1-abc.zip")
    assert sorted(p.name for p in debris.parent.iterdir()) == ["x-packets-1-abc.zip"]


def test_expiry_deletes_every_file_a_job_produced(paper, world) -> None:  # noqa: ANN001
    job = export_job_build(job_id=export_job_start(actor=None, venue=paper.venue).pk)
    path = export_path(job)
    leftover = path.with_name(f".{path.name}.partial-12345678")
    leftover.write_bytes(b"half")
    assert export_jobs_expire(now=job.expires_at + dt.timedelta(seconds=1)) == 1
    assert list(path.parent.iterdir()) == []


def test_expiry_deletes_what_a_failed_job_left(paper, world) -> None:  # noqa: ANN001
    job = export_job_start(actor=None, venue=paper.venue)
    ExportJob.objects.filter(pk=job.pk).update(state="failed", file_name="y-packets-2-def.zip")
    leftover = Path(django_settings.EXPORTS_ROOT) / ".y-packets-2-def.zip.partial-12345678"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    export_jobs_expire()
    job.refresh_from_db()
    assert (job.file_name, leftover.exists()) == ("", False)


def _wait_for_other_sessions_to_end(timeout_s: float = 10) -> None:
    from django.db import connection

    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.02)
