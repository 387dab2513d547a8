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
from django.utils import timezone

from emissions.exports import ExportOptions, exporter_for
from emissions.models import ExportJob, ExportJobState, Venue
from emissions.services.venues import VenueInputError, VenuePermissionDenied
from emissions.venue_selectors import venue_is_chair
from registry.models import User
from registry.workflow import audit

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
    from emissions.tasks_exports import build_venue_export

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.EXPORT_BUILD_IN_THREAD:
        # Eager Celery would build the whole ZIP inside the chair's request.
        thread = threading.Thread(
            target=_build_in_thread, args=(job_id,), name=f"venue-export-{job_id}", daemon=True
        )
        thread.start()
        return thread
    try:
        build_venue_export.delay(job_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the chair's request
        logger.warning("could not enqueue venue export %s", job_id, exc_info=True)
        ExportJob.objects.filter(pk=job_id, state=ExportJobState.QUEUED).update(
            state=ExportJobState.FAILED,
            error="The export could not be queued; try again in a minute.",
            finished_at=timezone.now(),
        )
    return None


@transaction.atomic
def export_job_start(*, actor: User | None, venue: Venue, page_size: str = "A4") -> ExportJob:
    """Queue a build of the venue's packet ZIP. Side effects: audit event; the task on commit."""
    if actor is not None and not venue_is_chair(user=actor, venue=venue):
        raise VenuePermissionDenied("only the venue's chairs may export its packets")
    if page_size not in ("A4", "Letter"):
        raise VenueInputError("the page size must be A4 or Letter")
    job = ExportJob.objects.create(venue=venue, requested_by=actor, page_size=page_size)
    audit(
        actor=actor,
        subject=venue,
        action="venue_export_requested",
        data={"job": job.pk, "page_size": page_size},
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def export_job_build(*, job_id: int, workers: int | None = None) -> ExportJob:
    """Build the ZIP for a queued job, recording progress as each packet is written.

    Idempotent: a job that is already done (a redelivered task) is returned unchanged.
    Progress updates are committed one by one so the polling page sees them.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("venue").get(pk=job_id)
        if job.state in (ExportJobState.DONE, ExportJobState.EXPIRED):
            return job
        job.state = ExportJobState.RUNNING
        job.started_at = timezone.now()
        job.error = ""
        job.file_name = f"{job.venue.slug}-packets-{job.pk}-{secrets.token_hex(8)}.zip"
        job.save(update_fields=["state", "started_at", "error", "file_name"])
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    options = ExportOptions(
        page_size=job.page_size,  # type: ignore[arg-type]
        workers=workers or settings.EXPORT_PACKET_WORKERS,
        progress=progress,
    )
    try:
        with partial.open("wb") as out:
            exporter_for("venue", "zip").write(job.venue, out, options=options)
        partial.replace(path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        logger.exception("venue export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJobState.FAILED,
            error=f"The export failed: {type(error).__name__}.",
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJobState.DONE,
        size_bytes=path.stat().st_size,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    job.refresh_from_db()
    return job


def export_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of finished jobs past their expiry; return how many were expired."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJobState.DONE, expires_at__lte=now):
        if job.file_name:
            export_path(job).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJobState.EXPIRED)
        expired += 1
    return expired
