"""Streamed export of a search's whole result set, as CSV or JSON.

Rows come from a server-side cursor (search.service.search_rows) a few thousand at a
time and leave as they come, so memory stays flat whatever the size. CSV cells go through
`registry.spreadsheet`, which neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from registry.spreadsheet import csv_writer
from search.engine import SearchQuery
from search.service import search_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": ("incident_id", "title", "date", "reports", "source_domains", "url"),
    "report": (
        "report_number",
        "title",
        "date_published",
        "url",
        "source_domain",
        "language",
        "kind",
        "authors",
        "incident_ids",
    ),
    "disclosure": (
        "disclosure_id",
        "model_name",
        "organisation",
        "state",
        "hardware",
        "country",
        "claim_energy_kwh",
        "claim_tco2e",
        "url",
    ),
}


def _record(hit_type: str, row: Mapping[str, Any], site_url: str) -> dict[str, Any]:
    if hit_type == "incident":
        return {
            "incident_id": row["id"],
            "title": row["title"],
            "date": row["date"],
            "reports": row["reports"],
            "source_domains": row["domains"],
            "url": f"{site_url}/incidents/{row['id']}/",
        }
    if hit_type == "report":
        return {
            "report_number": row["number"],
            "title": row["title"],
            "date_published": row["date_published"],
            "url": row["url"],
            "source_domain": row["source_domain"],
            "language": row["language"],
            "kind": row["kind"],
            "authors": row["authors"],
            "incident_ids": row["incidents"],
        }
    record = {name: row.get(name) for name in COLUMNS["disclosure"]}
    record["url"] = f"{site_url}{row['url']}"
    return record


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    """A CSV cell: lists as JSON arrays, as the API's CSV and the AIID's files write them."""
    if isinstance(value, list | tuple):
        return json.dumps([_plain(v) for v in value], ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else _plain(value)


Records = Iterable[Mapping[str, Any]]


def csv_stream(records: Records, columns: tuple[str, ...], *, raw: bool = False) -> Iterator[bytes]:
    """`raw`: cells as stored, without the formula guard (for programs that join on them)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, raw=raw)
    writer.writerow(columns)
    for n, record in enumerate(records, start=1):
        writer.writerow([_cell(record.get(c)) for c in columns])
        if n % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_stream(
    records: Records, columns: tuple[str, ...], *, raw: bool = False
) -> Iterator[bytes]:
    """A JSON array, one object per line, written as the rows arrive."""
    yield b"["
    chunk: list[str] = []
    separator = ""
    for record in records:
        chunk.append(separator + json.dumps({c: _plain(record.get(c)) for c in columns}))
        separator = ","
        if len(chunk) >= 500:
            yield "\n".join(chunk).encode()
            chunk = []
    yield ("\n".join(chunk) + "]\n").encode()


@dataclass(frozen=True)
class Exporter:
    identifier: str
    extension: str
    content_type: str
    write: Callable[..., Iterator[bytes]]


EXPORTERS: dict[str, Exporter] = {
    "csv": Exporter("csv", "csv", "text/csv; charset=utf-8", csv_stream),
    "json": Exporter("json", "json", "application/json", json_stream),
}


def export_stream(
    query: SearchQuery, exporter: Exporter, *, site_url: str, raw: bool = False
) -> Iterator[bytes]:
    """The bytes of the whole result set of `query`, in its order."""
    records = (_record(query.type, row, site_url) for row in search_rows(query))
    yield from exporter.write(records, COLUMNS[query.type], raw=raw)
