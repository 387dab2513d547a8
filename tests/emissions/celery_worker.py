"""The Celery app as the real-worker tests run it: `celery -A tests.emissions.celery_worker`.

The shipped configuration, with one test-only hook so production code carries none: with
EMISSIONS_TEST_PAUSE_MARKER set, the recomputation task, once started (its start stamped, as
in production), writes that file and sleeps (EMISSIONS_TEST_PAUSE_SECONDS) before
recomputing: the window in which the test kills the worker with `kill -9`.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from registry.celery import app

__all__ = ["app"]


@task_prerun.connect
def _pause_after_the_start_stamp(task=None, **kwargs):  # noqa: ANN001, ANN003
    marker = os.environ.get("EMISSIONS_TEST_PAUSE_MARKER")
    if not marker or task is None or task.name != "emissions.tasks.recompute_disclosure":
        return
    import emissions.tasks

    recompute = emissions.tasks.disclosure_recompute
    if getattr(recompute, "paused", False):
        return

    def paused(*, disclosure_id):  # noqa: ANN001, ANN202
        Path(marker).write_text("started")
        time.sleep(float(os.environ.get("EMISSIONS_TEST_PAUSE_SECONDS", "120")))
        return recompute(disclosure_id=disclosure_id)

    paused.paused = True
    emissions.tasks.disclosure_recompute = paused
