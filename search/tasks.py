"""Celery tasks of the search: thin interfaces that call the indexing services by id."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger("search")


@shared_task(
    name="search.sync_documents",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def search_sync_documents(
    incident_ids: list[int] | None = None, report_numbers: list[int] | None = None
) -> dict[str, int]:
    """Index or delete these incidents and reports in Elasticsearch (scheduled on commit by
    incidents.indexing.schedule_reindex). A cluster that is down is logged, not raised: the
    search falls back to PostgreSQL and `manage.py search_index --rebuild` repairs the index."""
    from elastic_transport import TransportError
    from elasticsearch import exceptions as es_exceptions

    from search.es_index import search_sync_elasticsearch

    try:
        ok, failed = search_sync_elasticsearch(
            incident_ids=incident_ids or [], report_numbers=report_numbers or []
        )
    except (es_exceptions.ConnectionError, es_exceptions.ApiError, TransportError) as exc:
        logger.warning("elasticsearch sync failed, rebuild later: %s", exc)
        return {"indexed": 0, "failed": len(incident_ids or []) + len(report_numbers or [])}
    return {"indexed": ok, "failed": failed}


@shared_task(name="search.send_follow_digests")
def send_follow_digests() -> dict[str, int]:
    """The follows' email digests (beat: FOLLOW_DIGEST_EVERY_S, daily by default)."""
    from search.digest import digests_send_all

    return {"sent": digests_send_all()}
