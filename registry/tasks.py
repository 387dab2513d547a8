"""Celery autodiscovery imports `<app>.tasks` of each installed app; the search package's tasks
live in registry/search/tasks.py, so the registry app's task module brings them in for workers."""

from registry.search.tasks import search_sync_documents

__all__ = ["search_sync_documents"]
