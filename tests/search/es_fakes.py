"""A stand-in for the Elasticsearch transport: records each request, answers canned bodies.
No cluster is needed; the client above it (serialisation, product check, helpers) is real."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from elastic_transport import (
    ApiResponseMeta,
    ConnectionError,
    HttpHeaders,
    NodeConfig,
    TransportApiResponse,
)
from elasticsearch import Elasticsearch

EMPTY_SEARCH = {
    "took": 1,
    "timed_out": False,
    "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
}


class RecordingTransport:
    def __init__(self, serializers: Any, answer: Callable[[str, str, Any], Any]) -> None:
        self.serializers = serializers
        self.answer = answer
        self.requests: list[tuple[str, str, Any]] = []

    def perform_request(self, method: str, target: str, *, body: Any = None, **_: Any) -> Any:
        self.requests.append((method, target, body))
        meta = ApiResponseMeta(
            status=200,
            http_version="1.1",
            headers=HttpHeaders({"x-elastic-product": "Elasticsearch"}),
            duration=0.0,
            node=NodeConfig("http", "localhost", 9200),
        )
        return TransportApiResponse(meta, self.answer(method, target, body))

    def close(self) -> None:
        pass


def recording_client(answer: Callable[[str, str, Any], Any] | None = None) -> tuple[Any, Any]:
    client = Elasticsearch("http://localhost:9200")
    transport = RecordingTransport(client.transport.serializers, answer or default_answer)
    client._transport = transport
    return client, transport


def default_answer(method: str, target: str, body: Any) -> Any:
    if target.endswith("/_bulk"):
        items = [line for line in bulk_lines(body) if set(line) & {"index", "delete"}]
        return {
            "took": 1,
            "errors": False,
            "items": [{next(iter(item)): {"status": 200}} for item in items],
        }
    return EMPTY_SEARCH


def bulk_lines(body: Any) -> list[dict[str, Any]]:
    """The NDJSON body of a _bulk request as a list of dicts."""
    raw = b"\n".join(body) if isinstance(body, list | tuple) else body
    if isinstance(raw, bytes):
        raw = raw.decode()
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def down_client() -> Any:
    """A client whose cluster refuses every connection."""

    def refuse(method: str, target: str, body: Any) -> Any:
        raise ConnectionError("Connection refused")

    client, _ = recording_client(refuse)
    return client
