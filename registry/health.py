"""Health checks for load balancers: database, broker, exports folder, and the checks the
layers above register (the search engine).

Each check runs in a thread of its own and the report is due after CHECK_DEADLINE_S whatever
hangs: a dependency that accepts connections and never answers is reported as timed out, not
waited for. A check that raises is a failed check, never a 500.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MIN_FREE_EXPORT_BYTES = 500 * 1024 * 1024
# Load balancers give up after a few seconds; the answer must come before they do.
CHECK_DEADLINE_S = 2.0

Check = Callable[[], dict[str, Any]]


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _check_broker() -> dict[str, Any]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from registry.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:  # noqa: BLE001 - whatever the transport raised, it is down
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}


def _check_disk() -> dict[str, Any]:
    """The exports folder exists (created if missing), takes a new file and has room."""
    root = Path(settings.EXPORTS_ROOT)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return {"ok": False, "error": f"the exports folder cannot be created ({exc.strerror})"}
    try:
        with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-"):
            pass
    except OSError as exc:
        return {"ok": False, "error": f"the exports folder is not writable ({exc.strerror})"}
    free = shutil.disk_usage(root).free
    return {"ok": free >= MIN_FREE_EXPORT_BYTES, "free_bytes": free}


def _run(name: str, check: Check, results: dict[str, dict[str, Any]]) -> None:
    try:
        results[name] = check()
    except Exception as exc:  # noqa: BLE001 - a check that raises has failed
        results[name] = {"ok": False, "error": exc.__class__.__name__}
    finally:
        connections.close_all()  # this thread's own database connection


# The thread of each check's last run: a check still hanging from an earlier request is not
# started again, so polling a hung dependency never piles up threads.
_in_flight: dict[str, threading.Thread] = {}
_in_flight_lock = threading.Lock()


def _start(name: str, check: Check, results: dict[str, dict[str, Any]]) -> threading.Thread | None:
    with _in_flight_lock:
        previous = _in_flight.get(name)
        if previous is not None and previous.is_alive():
            return None
        thread = threading.Thread(
            target=_run, args=(name, check, results), name=f"healthz-{name}", daemon=True
        )
        _in_flight[name] = thread
    thread.start()
    return thread


# Checks of the layers above the core (the search engine), registered from their AppConfig.
_REGISTERED: dict[str, Check] = {}


def health_check_register(name: str, check: Check) -> None:
    """Add a named check to /healthz; it returns a dict with at least "ok"."""
    _REGISTERED[name] = check


def run_health_checks(*, deadline_s: float = CHECK_DEADLINE_S) -> dict[str, Any]:
    checks: dict[str, Check] = {
        "database": _check_database,
        "broker": _check_broker,
        **_REGISTERED,
        "disk": _check_disk,
    }
    results: dict[str, dict[str, Any]] = {}
    threads = {name: _start(name, check, results) for name, check in checks.items()}
    due = time.monotonic() + deadline_s
    for thread in threads.values():
        if thread is not None:
            thread.join(max(0.0, due - time.monotonic()))
    finished = dict(results)
    report = {}
    for name in checks:
        if threads[name] is None:
            report[name] = {"ok": False, "error": "an earlier check has not answered yet"}
        else:
            late = {"ok": False, "error": f"no answer within {deadline_s:g} s"}
            report[name] = finished.get(name, late)
    status = "ok" if all(c["ok"] for c in report.values()) else "fail"
    return {"status": status, "checks": report}
