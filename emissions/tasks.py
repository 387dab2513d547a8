"""Celery tasks: thin interfaces that load by id and call a service.

`recompute_disclosure` is safe to run any number of times (the service keeps one result per
input and catalog version), so it acknowledges late and is retried on failure: a worker killed
mid-task leaves the message to be redelivered, not lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from emissions.models import Disclosure
from emissions.selectors import disclosures_awaiting_recomputation
from emissions.services.recomputation import catalog_version_current, disclosure_recompute

logger = logging.getLogger(__name__)

# A disclosure submitted this long ago with no recomputation lost its task (broker down,
# worker gone): the sweep enqueues it again.
STUCK_AFTER = timedelta(minutes=5)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(Disclosure.DoesNotExist,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def recompute_disclosure(disclosure_id: int) -> int | None:
    """Recompute one disclosure; returns the recomputation id (None if it no longer exists)."""
    try:
        return disclosure_recompute(disclosure_id=disclosure_id).pk
    except Disclosure.DoesNotExist:
        logger.info("disclosure %s vanished before its recomputation", disclosure_id)
        return None


@shared_task
def sweep_stuck_disclosures(limit: int = 500) -> int:
    """Enqueue recomputation of submitted disclosures that never got one under the current
    catalog (a lost task, or a catalog change: review waits for it); returns how many."""
    cutoff = timezone.now() - STUCK_AFTER
    stuck = list(
        disclosures_awaiting_recomputation(catalog_version_current())
        .filter(submitted_at__lt=cutoff)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    for disclosure_id in stuck:
        recompute_disclosure.delay(disclosure_id)
    if stuck:
        logger.info("re-enqueued %d stuck disclosure recomputations", len(stuck))
    return len(stuck)
