"""The search's side of `registry.signals.documents_changed`: the catalog has refreshed its
PostgreSQL documents; with the Elasticsearch engine on, the same ids go to the cluster."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings

logger = logging.getLogger("search")


def documents_changed_sync(
    *, incident_ids: Sequence[int] = (), report_numbers: Sequence[int] = (), **_: Any
) -> None:
    """Queue the Elasticsearch sync of these records (nothing with the PostgreSQL engine)."""
    if getattr(settings, "SEARCH_ENGINE", "postgres") != "elasticsearch":
        return
    from search.tasks import search_sync_documents

    try:
        search_sync_documents.delay(
            incident_ids=list(incident_ids), report_numbers=list(report_numbers)
        )
    except Exception:
        # A broker that is down must not fail a write that has committed; the index
        # catches up with the next change or `search_index --rebuild`.
        logger.exception("could not enqueue the Elasticsearch sync of %s", incident_ids)
