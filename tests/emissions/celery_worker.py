"""The Celery app as the real-worker tests run it: `celery -A tests.emissions.celery_worker`.

Two test-only adjustments, so production code carries no test hooks:
- a short broker visibility timeout, so a message whose worker was killed is redelivered to
  the next worker within seconds instead of an hour;
- with EMISSIONS_TEST_PAUSE_MARKER set, the recomputation task writes that file and sleeps
  (EMISSIONS_TEST_PAUSE_SECONDS) before running: the window in which the test kills -9 it.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from registry.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "max_retries": 1,
}

__all__ = ["app"]


@task_prerun.connect
def _pause_before_recomputing(task=None, **kwargs):  # noqa: ANN001, ANN003
    marker = os.environ.get("EMISSIONS_TEST_PAUSE_MARKER")
    if marker and task is not None and task.name == "emissions.tasks.recompute_disclosure":
        Path(marker).write_text("started")
        time.sleep(float(os.environ.get("EMISSIONS_TEST_PAUSE_SECONDS", "120")))
