"""A real Celery worker over Redis recomputes submitted disclosures, and a disclosure whose
worker was killed mid-task (`kill -9` on its process group) is recomputed exactly once within
a minute by the next worker, with the shipped settings and beat schedule.

Skipped, saying why, when Redis is unreachable. The worker is a subprocess pointed at this
test's database; the test uses real commits (transaction=True) so the worker sees the rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from emissions.models import Recomputation
from emissions.services.workflow import disclosure_submit
from registry.celery import app as celery_app
from registry.models import AuditEvent
from tests.emissions.conftest import make_disclosure
from tests.faults import subprocess_database_url

REDIS_URL = os.environ.get("EMISSIONS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKER_APP = "tests.emissions.celery_worker"
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"real-worker test skipped: Redis unreachable at {REDIS_URL} ({error})")
    return REDIS_URL


def _reset_producer() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url: str) -> Iterator[str]:
    """This process publishes tasks to Redis instead of running them in-process."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, redis_url
    _reset_producer()
    yield redis_url
    conf.task_always_eager, conf.broker_url = saved
    _reset_producer()


@contextmanager
def running_worker(
    broker_url: str, log: Path, *, pool: str = "solo", **env: str
) -> Iterator[subprocess.Popen]:
    command = [
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"emissions-test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with running_celery(broker_url, log, command, **env) as process:
        yield process


@contextmanager
def running_celery(
    broker_url: str, log: Path, arguments: list[str], **env: str
) -> Iterator[subprocess.Popen]:
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": broker_url,
        "DATABASE_URL": subprocess_database_url(),
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        **env,
    }
    command = [CELERY, "-A", WORKER_APP, *arguments]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], *, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    pytest.fail(f"timed out after {timeout:g}s; worker log tail:\n{tail}")


def test_it_recomputes_a_submitted_disclosure_on_a_real_worker(world, broker, tmp_path):
    log = tmp_path / "worker.log"
    draft = make_disclosure(world, "draft")
    with running_worker(broker, log):
        disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
        wait_for(
            lambda: Recomputation.objects.filter(disclosure=draft).exists(), timeout=90, log=log
        )
    recomputation = Recomputation.objects.get(disclosure=draft)
    assert (recomputation.verdict, recomputation.input_hash) == ("consistent", draft.input_hash)


def test_it_recomputes_within_a_minute_a_disclosure_whose_worker_was_killed(
    world, broker, tmp_path
):
    log = tmp_path / "worker.log"
    marker = tmp_path / "task-started"
    draft = make_disclosure(world, "draft")
    # As deployed: a prefork worker, and beat (a process of its own) running the shipped schedule.
    beat = ["beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")]
    with running_celery(broker, log, beat):
        with running_worker(
            broker, log, pool="prefork", EMISSIONS_TEST_PAUSE_MARKER=str(marker)
        ) as doomed:
            disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
            wait_for(marker.exists, timeout=90, log=log)
            os.killpg(doomed.pid, signal.SIGKILL)  # mid-task: the message was never acknowledged
            doomed.wait(timeout=10)
        killed_at = time.monotonic()
        assert Recomputation.objects.filter(disclosure=draft).count() == 0
        with running_worker(broker, log, pool="prefork"):
            wait_for(
                lambda: Recomputation.objects.filter(disclosure=draft).exists(),
                timeout=60,
                log=log,
            )
            recovered_s = time.monotonic() - killed_at
    events = AuditEvent.objects.filter(subject_id=draft.pk, action="recompute")
    assert (Recomputation.objects.filter(disclosure=draft).count(), events.count()) == (1, 1)
    print(f"worker killed -> disclosure recomputed in {recovered_s:.1f} s")
