"""The broker is down, or hung (accepts connections, never answers), when a researcher submits:
the submission is saved and answered 2xx saying the recomputation is pending, and once the
broker is back the periodic sweep gets it recomputed. Nothing is lost in between."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from emissions.models import Disclosure
from emissions.services.workflow import disclosure_submit
from emissions.tasks import sweep_stuck_disclosures
from registry.celery import app as celery_app
from tests.emissions.conftest import make_disclosure
from tests.faults import silent_server

# Nothing listens on port 1: publishing a task fails at once, as with a broker that is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _use_broker(url: str):  # noqa: ANN202
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    yield from _use_broker(UNREACHABLE_BROKER)


@pytest.fixture
def broker_hung():
    with silent_server() as port:
        yield from _use_broker(f"redis://127.0.0.1:{port}/0")


def test_it_keeps_a_submission_made_while_the_broker_is_down_and_recomputes_it_later(
    world, broker_down, caplog
):
    draft = make_disclosure(world, "draft")

    with caplog.at_level("WARNING"):
        submitted = disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)

    stored = Disclosure.objects.get(pk=draft.pk)
    assert (submitted.state, stored.state, stored.recomputations.count()) == (
        "submitted",
        "submitted",
        0,
    )
    assert f"could not enqueue recomputation of disclosure {draft.pk}" in caplog.text

    # The broker comes back (here: tasks run in-process again) and the sweep runs later.
    celery_app.conf.task_always_eager = True
    Disclosure.objects.filter(pk=draft.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=30)
    )
    assert sweep_stuck_disclosures.apply().get() == 1
    assert stored.recomputations.count() == 1


def test_it_answers_a_submit_while_the_broker_hangs_and_says_the_recomputation_is_pending(
    world, broker_hung, caplog
):
    draft = make_disclosure(world, "draft")
    api = APIClient()
    api.force_authenticate(world.researcher)

    with caplog.at_level("WARNING"):
        started = time.monotonic()
        response = api.post(f"/api/v1/disclosures/{draft.pk}/submit/", {}, format="json")
        print(f"hung broker -> submit answered in {time.monotonic() - started:.2f} s")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["recomputation"], body["recomputation_pending"]) == (
        "submitted",
        None,
        True,
    )
    assert f"could not enqueue recomputation of disclosure {draft.pk}" in caplog.text
    stored = Disclosure.objects.get(pk=draft.pk)
    # Never handed to the broker: the sweep picks it up once its grace period has passed.
    assert (stored.state, stored.recompute_queued_at, stored.recompute_started_at) == (
        "submitted",
        None,
        None,
    )
