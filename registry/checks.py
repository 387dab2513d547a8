"""Deployment checks of our own (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

# Caches that live inside one process: counters kept there are not shared between workers.
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Login lockouts and throttles count in the cache; each worker would count alone."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            "No shared cache: login lockouts and throttles would count per worker process.",
            hint="Set CACHE_URL (e.g. redis://127.0.0.1:6379/1) in production.",
            id="registry.E001",
        )
    ]
