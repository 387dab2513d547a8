"""Celery tasks: thin interfaces that load by id and call a service.

`recompute_disclosure` is safe to run any number of times (the service keeps one result per
input and catalog version), so it acknowledges late and is retried on failure. A worker killed
mid-task is caught by the sweep (every 20 s, beat) once the task has been running longer than
its hard time limit allows; the unacknowledged message itself comes back only after the
broker's visibility timeout, and then finds the result already stored.
"""

from __future__ import annotations

import logging

from celery import shared_task

from emissions.models import Disclosure
from emissions.services.recomputation import disclosure_recompute
from emissions.services.recompute_queue import (
    RECOMPUTE_SOFT_TIME_LIMIT_S,
    RECOMPUTE_TIME_LIMIT_S,
    disclosure_recomputations_sweep,
    disclosure_recompute_started,
)

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RECOMPUTE_SOFT_TIME_LIMIT_S,
    time_limit=RECOMPUTE_TIME_LIMIT_S,
    autoretry_for=(Exception,),
    dont_autoretry_for=(Disclosure.DoesNotExist,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def recompute_disclosure(disclosure_id: int) -> int | None:
    """Recompute one disclosure; returns the recomputation id (None if it no longer exists)."""
    disclosure_recompute_started(disclosure_id=disclosure_id)
    try:
        return disclosure_recompute(disclosure_id=disclosure_id).pk
    except Disclosure.DoesNotExist:
        logger.info("disclosure %s vanished before its recomputation", disclosure_id)
        return None


@shared_task
def sweep_stuck_disclosures(limit: int = 500) -> int:
    """Periodic: enqueue again the recomputations whose task died or was lost, and those of
    disclosures whose recomputation predates the current catalog (review waits for them)."""
    return disclosure_recomputations_sweep(limit=limit)
