"""Background builds of a venue's ZIP of review packets: start, build, expire.

The job row is the progress a chair's page polls; the file lives under EXPORTS_ROOT and is
removed by the periodic expiry task once `expires_at` has passed.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from registry.files import atomic_file, remove_partials
from registry.models import User
from registry.workflow import audit
from venues.exports import ExportOptions, exporter_for
from venues.models import ExportJob, ExportJobState, Venue
from venues.selectors import venue_is_chair
from venues.services.venues import VenueInputError, VenuePermissionDenied

logger = logging.getLogger(__name__)


def export_path(job: ExportJob) -> Path:
    return Path(settings.EXPORTS_ROOT) / job.file_name


def _build_in_thread(job_id: int) -> None:
    try:
        export_job_build(job_id=job_id)
    except Exception:  # noqa: BLE001 - the job row already records the failure
        logger.warning("venue export %s failed in its background thread", job_id)
    finally:
        connection.close()  # the thread's own database connection


def _enqueue(job_id: int) -> threading.Thread | None:
    """Hand the build to Celery; with no broker, to a background thread (returned)."""
    from venues.tasks import build_venue_export

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.EXPORT_BUILD_IN_THREAD:
        # Eager Celery would build the whole ZIP inside the chair's request.
        thread = threading.Thread(
            target=_build_in_thread, args=(job_id,), name=f"venue-export-{job_id}", daemon=True
        )
        thread.start()
        return thread
    try:
        build_venue_export.apply_async((job_id,), retry=False)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the chair's request
        logger.warning("could not enqueue venue export %s", job_id, exc_info=True)
        ExportJob.objects.filter(pk=job_id, state=ExportJobState.QUEUED).update(
            state=ExportJobState.FAILED,
            error="The export could not be queued; try again in a minute.",
            finished_at=timezone.now(),
        )
    return None


@transaction.atomic
def export_job_start(*, actor: User | None, venue: Venue, paper_size: str = "A4") -> ExportJob:
    """Queue a build of the venue's packet ZIP. Side effects: audit event; the task on commit."""
    if actor is not None and not venue_is_chair(user=actor, venue=venue):
        raise VenuePermissionDenied("only the venue's chairs may export its packets")
    if paper_size not in ("A4", "Letter"):
        raise VenueInputError("the page size must be A4 or Letter")
    # The job's column keeps its first name, `page_size`; it holds the paper size.
    job = ExportJob.objects.create(venue=venue, requested_by=actor, page_size=paper_size)
    audit(
        actor=actor,
        subject=venue,
        action="venue_export_requested",
        data={"job": job.pk, "paper_size": paper_size},
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _heartbeat_stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS)


def _claim(job_id: int) -> ExportJob | None:
    """Mark the job running for this build, or None when it must not be built (finished, or
    being built by a live worker). The file name is chosen once per job: a re-run after a
    dead worker writes the same file, never a second one."""
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("venue").get(pk=job_id)
        if job.state in (ExportJobState.DONE, ExportJobState.EXPIRED, ExportJobState.FAILED):
            return None
        beat = job.heartbeat_at or job.started_at
        if job.state == ExportJobState.RUNNING and beat and beat >= _heartbeat_stale_before(now):
            return None
        job.state = ExportJobState.RUNNING
        job.started_at = job.heartbeat_at = now
        job.error = ""
        job.progress_done = job.progress_total = 0
        if not job.file_name:
            job.file_name = f"{job.venue.slug}-packets-{job.pk}-{secrets.token_hex(8)}.zip"
        job.save()
    return job


def _delete_files(file_name: str) -> None:
    if file_name:
        path = Path(settings.EXPORTS_ROOT) / file_name
        path.unlink(missing_ok=True)
        remove_partials(path)


def export_job_build(*, job_id: int, workers: int | None = None) -> ExportJob:
    """Build the ZIP for a queued job, recording progress (and a heartbeat) per packet.

    Idempotent per job: a finished job, or one a live worker is building (a redelivered
    task), is returned unchanged; a job whose worker died is built again under its one file
    name. The ZIP is written under a temporary name and renamed when complete.
    """
    job = _claim(job_id)
    if job is None:
        return ExportJob.objects.get(pk=job_id)
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_partials(path)  # a dead worker's half-written file
    running = ExportJob.objects.filter(
        pk=job.pk, state=ExportJobState.RUNNING, started_at=job.started_at
    )

    def progress(done: int, total: int) -> None:
        running.update(progress_done=done, progress_total=total, heartbeat_at=timezone.now())

    options = ExportOptions(
        paper_size=job.page_size,  # type: ignore[arg-type]
        workers=workers or settings.EXPORT_PACKET_WORKERS,
        progress=progress,
    )
    try:
        with atomic_file(path) as out:
            exporter_for("venue", "zip").write(job.venue, out, options=options)
    except Exception as error:
        logger.exception("venue export %s failed", job.pk)
        running.update(
            state=ExportJobState.FAILED,
            error=f"The export failed: {type(error).__name__}.",
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    finished = running.update(
        state=ExportJobState.DONE,
        size_bytes=path.stat().st_size,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    if not finished:
        # The sweep gave this build up for dead meanwhile: its file belongs to no job.
        _delete_files(job.file_name)
    return ExportJob.objects.get(pk=job.pk)


def export_jobs_sweep_stuck(*, now: datetime | None = None) -> int:
    """Fail the running jobs whose worker died (no heartbeat for EXPORT_JOB_STALE_SECONDS)
    and delete what they wrote; returns how many. The chair can start a new export."""
    now = now or timezone.now()
    cutoff = _heartbeat_stale_before(now)
    stuck = ExportJob.objects.filter(state=ExportJobState.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    failed = 0
    for job in stuck:
        gave_up = ExportJob.objects.filter(
            pk=job.pk, state=ExportJobState.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(
            state=ExportJobState.FAILED,
            error="The export stopped: the worker building it died. Start it again.",
            finished_at=now,
            file_name="",
        )
        if gave_up:
            _delete_files(job.file_name)
            logger.warning("venue export %s had no heartbeat since %s", job.pk, job.heartbeat_at)
            failed += 1
    return failed


def export_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete every file of finished jobs past their expiry, and what failed jobs left;
    return how many finished jobs were expired."""
    now = now or timezone.now()
    for job in ExportJob.objects.filter(state=ExportJobState.FAILED).exclude(file_name=""):
        _delete_files(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(file_name="")
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJobState.DONE, expires_at__lte=now):
        _delete_files(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJobState.EXPIRED)
        expired += 1
    return expired
