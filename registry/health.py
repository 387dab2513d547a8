"""Health checks for load balancers: database, broker, export disk space, and the checks the
layers above register (the search engine)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

MIN_FREE_EXPORT_BYTES = 500 * 1024 * 1024


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any failure means unhealthy, whatever the driver raised
        return {"ok": False, "error": exc.__class__.__name__}


def _check_broker() -> dict[str, Any]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from registry.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}


def _check_disk() -> dict[str, Any]:
    root = settings.EXPORTS_ROOT
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    return {"ok": free >= MIN_FREE_EXPORT_BYTES, "free_bytes": free}


# Checks of the layers above the core (the search engine), registered from their AppConfig.
_REGISTERED: dict[str, Callable[[], dict[str, Any]]] = {}


def health_check_register(name: str, check: Callable[[], dict[str, Any]]) -> None:
    """Add a named check to /healthz; it returns a dict with at least "ok" and never raises."""
    _REGISTERED[name] = check


def run_health_checks() -> dict[str, Any]:
    checks = {
        "database": _check_database(),
        "broker": _check_broker(),
        **{name: check() for name, check in _REGISTERED.items()},
        "disk": _check_disk(),
    }
    status = "ok" if all(c["ok"] for c in checks.values()) else "fail"
    return {"status": status, "checks": checks}
