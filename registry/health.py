"""Health checks for load balancers: database, broker, search engine, export disk space."""

from __future__ import annotations

import shutil
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


def _check_search() -> dict[str, Any]:
    if settings.SEARCH_ENGINE != "elasticsearch":
        return {"ok": True, "engine": "postgres"}
    try:
        from registry.search.engine import get_engine

        ok = bool(get_engine().ping())
        # PostgreSQL search stays available, so a down cluster degrades but does not fail.
        return {"ok": True, "engine": "elasticsearch", "cluster_up": ok}
    except Exception as exc:
        return {
            "ok": True,
            "engine": "elasticsearch",
            "cluster_up": False,
            "error": exc.__class__.__name__,
        }


def _check_disk() -> dict[str, Any]:
    root = settings.EXPORTS_ROOT
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    return {"ok": free >= MIN_FREE_EXPORT_BYTES, "free_bytes": free}


def run_health_checks() -> dict[str, Any]:
    checks = {
        "database": _check_database(),
        "broker": _check_broker(),
        "search": _check_search(),
        "disk": _check_disk(),
    }
    status = "ok" if all(c["ok"] for c in checks.values()) else "fail"
    return {"status": status, "checks": checks}
