"""The data version, and the page cache keyed by it.

Every committed write bumps one counter, the data version (`data_changed()`, called by
`registry.workflow.audit`, which every service write goes through, and by the bulk writers that
do not audit row by row, such as the AIID import). Cached responses are stored under keys that
contain the version, so a write makes every cached page unreachable at once: nothing is ever
invalidated one key at a time, and nothing stale can be served after the commit that changed it.

Where the counter lives: in the database (`registry.DataVersion`, one row) and, when the cache is
shared between processes (Redis, `CACHE_URL`), also in the cache, so a request reads it with one
cache round trip. A process-local cache (no `CACHE_URL`) cannot hold it, since another process's
write would not reach it: then each request reads the row (one primary-key SELECT).

Why the cache's copy is bumped with `incr` rather than set from the database: two writes that
commit at the same moment could set their values in the wrong order and put an old version back.
`incr` only ever moves forward; when the key has gone (evicted, Redis restarted) it is re-seeded
with `add` from the database row, which is never behind the cache's copy.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_KEY = "registry:data-version"

# Inside a request the version is read once (the page cache and every memoized figure share
# it): set up and dropped by the request signals (registry/apps.py), and dropped when this
# process bumps it. Outside requests (commands, tasks) every call reads afresh.
_request_local = threading.local()

BUMP_SQL = """
INSERT INTO registry_dataversion (id, value) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET value = registry_dataversion.value + 1
RETURNING value
"""


def cache_is_shared() -> bool:
    """True when the default cache is shared by every process (Redis)."""
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def data_changed() -> None:
    """Bump the data version once the current transaction commits (now, outside one).

    Call it from every write path; `audit()` does, so service functions need not."""
    transaction.on_commit(bump_data_version)


def admin_change_logged(**_: object) -> None:
    """The admin's LogEntry is written for every change made there (some models have no
    service): the change is data like any other."""
    data_changed()


def bump_data_version() -> int:
    """Advance the counter now; return the database's new value."""
    forget_request_version()
    with connection.cursor() as cursor:
        cursor.execute(BUMP_SQL)
        value = int(cursor.fetchone()[0])
    if cache_is_shared():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.add(VERSION_KEY, value, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not fail a committed write
            # Without the bump, the old version's pages would be served: drop the key so the
            # next reader seeds it from the database (which has the new value).
            logger.exception("could not bump the data version in the cache")
            _forget_cached_version()
    return value


def _forget_cached_version() -> None:
    try:
        cache.delete(VERSION_KEY)
    except Exception:  # noqa: BLE001
        logger.exception("could not drop the cached data version")


def _database_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM registry_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def request_began(**_: object) -> None:
    _request_local.in_request = True
    _request_local.version = None


def request_ended(**_: object) -> None:
    _request_local.in_request = False
    _request_local.version = None


def forget_request_version() -> None:
    _request_local.version = None


def current_data_version() -> str | None:
    """The version to key cached pages by, or None when it cannot be read (then don't cache)."""
    if not getattr(_request_local, "in_request", False):
        return _read_data_version()
    version = getattr(_request_local, "version", None)
    if version is None:
        version = _request_local.version = _read_data_version()
    return version


def _read_data_version() -> str | None:
    try:
        if not cache_is_shared():
            return str(_database_version())
        value = cache.get(VERSION_KEY)
        if value is None:
            cache.add(VERSION_KEY, _database_version(), timeout=None)
            value = cache.get(VERSION_KEY)
        return None if value is None else str(value)
    except DatabaseError:
        return None
    except Exception:  # noqa: BLE001 - the cache being down means serving uncached
        logger.warning("page cache unavailable", exc_info=True)
        return None


def page_key(version: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"registry:page:{version}:{digest}"


def memoize(name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()`, remembered until the next write: for figures that every request of a page
    would otherwise recompute from whole tables (counts, the years with incidents). The parts
    (filters, access level) are part of the key through their repr."""
    version = current_data_version() if settings.MEMO_CACHE_ENABLED else None
    if version is None:
        return compute()
    key = page_key(version, "memo", name, *(repr(part) for part in parts))
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001
        return compute()
    if found is not None:
        return found[0]
    value = compute()
    try:
        cache.set(key, (value,), timeout=settings.PAGE_CACHE_TIMEOUT_S)
    except Exception:  # noqa: BLE001
        logger.warning("could not remember %s", name, exc_info=True)
    return value
