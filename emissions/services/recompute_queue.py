"""Handing recomputations to the broker, and finding the ones whose task was lost.

A recomputation task is idempotent, so re-enqueueing one that still runs costs a duplicate
lookup, never a second result. The two timestamps on the disclosure say where a task got to:

- `recompute_queued_at` is set once the broker accepted the message (never, if it was down);
- `recompute_started_at` is set by the worker when the task starts.

A task that started longer ago than its hard time limit allows died with its worker; a
submission whose message never reached the broker, or sat unstarted for long, lost it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from emissions.models import AWAITING_REVIEW_STATES, Disclosure
from emissions.selectors import disclosures_awaiting_recomputation
from emissions.services.recomputation import catalog_version_current

logger = logging.getLogger(__name__)

# The recomputation task's time limits (seconds). The estimator answers in milliseconds; the
# limits only bound a task that hangs on the database or the catalog.
RECOMPUTE_SOFT_TIME_LIMIT_S = 10
RECOMPUTE_TIME_LIMIT_S = 15
# A task started longer ago than its hard limit plus this margin is not running any more.
RUNNING_GRACE = timedelta(seconds=5)
STARTED_STALE_AFTER = timedelta(seconds=RECOMPUTE_TIME_LIMIT_S) + RUNNING_GRACE
# A message the broker accepted but no worker started in this long was lost with the broker
# (a queue backlog just gets one idempotent duplicate).
QUEUED_STALE_AFTER = timedelta(minutes=5)


def disclosure_recompute_enqueue(*, disclosure_id: int) -> bool:
    """Publish the recomputation task without waiting on a broker that does not answer.

    Returns whether the broker accepted it. A failure is logged and left to the sweep: the
    caller (a request that already saved the submission) must not fail or hang on it; the
    broker's socket timeouts (settings) bound the wait.
    """
    from emissions.tasks import recompute_disclosure

    try:
        recompute_disclosure.apply_async((disclosure_id,), retry=False)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the request
        logger.warning(
            "could not enqueue recomputation of disclosure %s; the sweep will", disclosure_id
        )
        return False
    # Only the queue time: a worker may already have stamped its start.
    _sweep_clock(disclosure_id).update(recompute_queued_at=timezone.now())
    return True


def disclosure_recompute_started(*, disclosure_id: int) -> None:
    """Record that a worker started the disclosure's recomputation (the sweep's clock)."""
    _sweep_clock(disclosure_id).update(recompute_started_at=timezone.now())


def _sweep_clock(disclosure_id: int) -> QuerySet[Disclosure]:
    # The sweep watches disclosures awaiting review only; a verified row is frozen (a database
    # trigger refuses any UPDATE), and its re-verification after a catalog change needs no clock.
    return Disclosure.objects.filter(pk=disclosure_id, state__in=AWAITING_REVIEW_STATES)


def disclosures_with_lost_recomputation(*, now: datetime | None = None) -> QuerySet[Disclosure]:
    """Disclosures awaiting a recomputation whose task died or never reached a worker."""
    now = now or timezone.now()
    died = Q(recompute_started_at__lt=now - STARTED_STALE_AFTER)
    never_published = Q(
        recompute_started_at__isnull=True,
        recompute_queued_at__isnull=True,
        submitted_at__lt=now - STARTED_STALE_AFTER,
    )
    never_started = Q(
        recompute_started_at__isnull=True, recompute_queued_at__lt=now - QUEUED_STALE_AFTER
    )
    # A recomputation under an older catalog counts as missing: verification waits for one
    # under the current catalog, so the sweep asks for it.
    awaiting = disclosures_awaiting_recomputation(catalog_version_current())
    return awaiting.filter(died | never_published | never_started)


def disclosure_recomputations_sweep(*, limit: int = 500) -> int:
    """Enqueue again the recomputations whose task died or was lost; returns how many."""
    stuck = list(
        disclosures_with_lost_recomputation()
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    # The dead task's start no longer counts: the new one stamps its own.
    Disclosure.objects.filter(pk__in=stuck).update(recompute_started_at=None)
    for disclosure_id in stuck:
        disclosure_recompute_enqueue(disclosure_id=disclosure_id)
    if stuck:
        logger.info("re-enqueued %d stuck disclosure recomputations", len(stuck))
    return len(stuck)
