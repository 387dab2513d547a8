"""Concurrent writes on one disclosure, each on its own database connection."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from emissions.models import Disclosure
from emissions.services.disclosures import disclosure_create
from emissions.services.workflow import disclosure_transition
from registry.models import AuditEvent
from registry.workflow import TransitionNotAllowed
from tests.emissions.conftest import make_disclosure, valid_fields

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(calls):
    """Run each call in its own thread (own connection); return ("ok"|error name) per call."""
    outcomes = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def worker(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except TransitionNotAllowed:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def test_it_lets_exactly_one_of_two_racing_decisions_win(world):
    in_review = make_disclosure(world, "in_review")

    def decide(action, who):
        return lambda: disclosure_transition(
            action=action, disclosure_id=in_review.pk, actor=getattr(world, who), reason="race"
        )

    # Hold the row lock so both decisions queue behind it, then let them go.
    with transaction.atomic():
        Disclosure.objects.select_for_update().get(pk=in_review.pk)
        threads, outcomes = run_in_threads(
            [decide("verify", "reviewer"), decide("reject", "chair")]
        )
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=30)
    decisions = AuditEvent.objects.filter(subject_id=in_review.pk, action__in=["verify", "reject"])
    assert sorted(outcomes) == ["ok", "refused"]
    assert decisions.count() == 1
    assert Disclosure.objects.get(pk=in_review.pk).state == decisions.get().to_state


def test_it_lets_exactly_one_of_two_reviewers_claim(world):
    submitted = make_disclosure(world, "submitted")

    def claim(who):
        return lambda: disclosure_transition(
            action="claim", disclosure_id=submitted.pk, actor=getattr(world, who)
        )

    with transaction.atomic():
        Disclosure.objects.select_for_update().get(pk=submitted.pk)
        threads, outcomes = run_in_threads([claim("reviewer"), claim("chair")])
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=30)
    winner = Disclosure.objects.get(pk=submitted.pk).assigned_reviewer
    assert sorted(outcomes) == ["ok", "refused"]
    assert winner.username == ("vera" if outcomes[0] == "ok" else "chris")


def test_it_creates_one_disclosure_from_two_simultaneous_posts_with_one_key(world):
    key = uuid.uuid4()
    created = []

    def post():
        created.append(
            disclosure_create(owner=world.researcher, fields=valid_fields(), idempotency_key=key).pk
        )

    threads, outcomes = run_in_threads([post, post, post])
    for thread in threads:
        thread.join(timeout=30)
    assert (outcomes, Disclosure.objects.count(), len(set(created))) == (["ok"] * 3, 1, 1)
