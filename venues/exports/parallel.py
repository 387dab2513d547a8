"""A pool of processes that render review packets; they never open a database connection.

Processes are spawned, not forked: a forked child would share the parent's database socket.
Each child sets Django up (templates, static finders) once and then renders PacketData.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool

from django.conf import settings


def _initialise(settings_module: str, database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    # The children never query; pointing them at the parent's database only avoids starting
    # (or probing) the embedded server in each of them.
    os.environ.setdefault("DATABASE_URL", database_url)
    import django

    django.setup()


def usable_workers(requested: int) -> int:
    """Celery's prefork children are daemonic and may not start processes: render in-process."""
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(requested, os.cpu_count() or 1))


# WeasyPrint's caches grow by about 0.25 MB per packet; a fresh process every so many packets
# keeps each renderer near 150 MB for a venue of any size, at the cost of a second's start-up.
MAX_PACKETS_PER_PROCESS = 75


@contextmanager
def packet_pool(workers: int) -> Iterator[Pool]:
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(
        processes=workers,
        maxtasksperchild=MAX_PACKETS_PER_PROCESS,
        initializer=_initialise,
        initargs=(
            os.environ.get("DJANGO_SETTINGS_MODULE", "registry.settings"),
            settings.DATABASE_URL,
        ),
    )
    try:
        yield pool
        pool.close()
        pool.join()
    finally:
        pool.terminate()
