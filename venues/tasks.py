"""Celery tasks for venue exports: thin wrappers that load by id and call the service."""

from __future__ import annotations

from celery import shared_task

from venues.services.exports import (
    export_job_build,
    export_jobs_expire,
    export_jobs_sweep_stuck,
)


# The names are the ones these tasks had in emissions/tasks_exports.py, so messages already
# queued and the beat schedule keep working.
@shared_task(name="emissions.tasks_exports.build_venue_export", acks_late=True, ignore_result=True)
def build_venue_export(job_id: int) -> None:
    """Build one venue's ZIP of review packets; the job row carries progress and errors."""
    export_job_build(job_id=job_id)


@shared_task(name="emissions.tasks_exports.expire_venue_exports", ignore_result=True)
def expire_venue_exports() -> int:
    """Periodic: remove export files past their expiry."""
    return export_jobs_expire()


@shared_task(ignore_result=True)
def sweep_stuck_venue_exports() -> int:
    """Periodic: fail the builds whose worker died and delete their partial files."""
    return export_jobs_sweep_stuck()
