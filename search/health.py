"""The search engine's health check, registered with the core's /healthz in SearchConfig."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def check_search() -> dict[str, Any]:
    if settings.SEARCH_ENGINE != "elasticsearch":
        return {"ok": True, "engine": "postgres"}
    try:
        from search.engine import get_engine

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
