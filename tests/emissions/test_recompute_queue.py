"""Which lost recomputations the sweep picks up, keyed on where the task got to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from emissions.models import Disclosure
from emissions.services.recompute_queue import (
    QUEUED_STALE_AFTER,
    RECOMPUTE_TIME_LIMIT_S,
    STARTED_STALE_AFTER,
    disclosures_with_lost_recomputation,
)
from emissions.services.workflow import disclosure_submit
from tests.emissions.conftest import make_disclosure

SECOND = timedelta(seconds=1)


@pytest.fixture
def awaiting(world) -> Disclosure:  # noqa: ANN001
    """Submitted inside the test's transaction: its task never ran (no commit)."""
    draft = make_disclosure(world, "draft")
    disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    return Disclosure.objects.get(pk=draft.pk)


def _lost(now) -> list[int]:  # noqa: ANN001
    return list(disclosures_with_lost_recomputation(now=now).values_list("pk", flat=True))


def test_the_stale_age_of_a_started_task_is_its_hard_time_limit_plus_a_margin() -> None:
    assert timedelta(seconds=RECOMPUTE_TIME_LIMIT_S + 5) == STARTED_STALE_AFTER


def test_it_picks_up_a_task_that_started_longer_ago_than_its_time_limit_allows(awaiting) -> None:  # noqa: ANN001
    started = timezone.now()
    Disclosure.objects.filter(pk=awaiting.pk).update(
        recompute_queued_at=started, recompute_started_at=started
    )
    assert _lost(started + STARTED_STALE_AFTER - SECOND) == []
    assert _lost(started + STARTED_STALE_AFTER + SECOND) == [awaiting.pk]


def test_it_picks_up_a_submission_never_handed_to_the_broker(awaiting) -> None:  # noqa: ANN001
    assert (awaiting.recompute_queued_at, awaiting.recompute_started_at) == (None, None)
    assert _lost(awaiting.submitted_at + STARTED_STALE_AFTER - SECOND) == []
    assert _lost(awaiting.submitted_at + STARTED_STALE_AFTER + SECOND) == [awaiting.pk]


def test_it_waits_longer_for_a_queued_task_no_worker_has_started(awaiting) -> None:  # noqa: ANN001
    queued = awaiting.submitted_at
    Disclosure.objects.filter(pk=awaiting.pk).update(recompute_queued_at=queued)
    assert _lost(queued + QUEUED_STALE_AFTER - SECOND) == []
    assert _lost(queued + QUEUED_STALE_AFTER + SECOND) == [awaiting.pk]


def test_it_never_picks_up_a_recomputed_disclosure(world) -> None:  # noqa: ANN001
    submitted = make_disclosure(world, "submitted")  # recomputed
    long_ago = timezone.now() - timedelta(hours=2)
    Disclosure.objects.filter(pk=submitted.pk).update(recompute_started_at=long_ago)
    assert _lost(timezone.now()) == []


def test_a_resubmission_starts_the_clock_again(world) -> None:  # noqa: ANN001
    changes = make_disclosure(world, "changes_requested")
    Disclosure.objects.filter(pk=changes.pk).update(
        recompute_queued_at=timezone.now(), recompute_started_at=timezone.now()
    )
    disclosure_submit(disclosure_id=changes.pk, actor=world.researcher)
    stored = Disclosure.objects.get(pk=changes.pk)
    assert (stored.recompute_queued_at, stored.recompute_started_at) == (None, None)


def test_the_api_says_whether_the_recomputation_is_pending(world, awaiting) -> None:  # noqa: ANN001
    done = make_disclosure(world, "submitted")
    api = APIClient()
    api.force_authenticate(world.researcher)
    pending = api.get(f"/api/v1/disclosures/{awaiting.pk}/").json()["recomputation_pending"]
    finished = api.get(f"/api/v1/disclosures/{done.pk}/").json()["recomputation_pending"]
    assert (pending, finished) == (True, False)
