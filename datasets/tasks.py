"""Celery tasks of the datasets app (thin: they call a service)."""

from __future__ import annotations

from celery import shared_task

from datasets.publishing import dataset_snapshot_build


# The name it had in incidents/tasks.py: beat entries and queued messages keep working.
@shared_task(name="incidents.tasks.build_dataset_snapshot", acks_late=True)
def build_dataset_snapshot(keep: int = 7) -> str:
    """Publish today's dataset snapshot under EXPORTS_ROOT/datasets/, keeping the last `keep`.
    An interrupted run publishes nothing; the next run starts afresh."""
    return str(dataset_snapshot_build(keep=keep))
