"""The API's CSV downloads, written by PostgreSQL: `COPY (...) TO STDOUT` of the view's own
filtered, ordered queryset, each cell formatted in SQL exactly as the Python writer
(`registry.api_conventions.stream_csv_response`, kept as the reference) would write it.

A Python writer spends most of its time materialising ORM rows, serializing and defusing
cells one by one; COPY does all of that inside the server, and Python only passes each row on.
What SQL writes, per kind of column (`CsvColumn.kind`):

- `text`: the text, formula-defused with `registry.spreadsheet.defused_sql` unless raw;
- `number`: an integer as digits; `bool`: `true` / `false`;
- `date`: ISO 8601 (`2024-05-01`); `datetime`: ISO 8601 in UTC with `Z`, microseconds only
  when non-zero (Python's `isoformat`);
- `array`: a JSON array of strings or integers, compact (`["a","b"]`), as `json.dumps`;
- `document`: any JSON; the whitespace PostgreSQL puts between tokens is removed. A number
  with a fraction or an exponent would be rewritten by Python's float round trip, which SQL
  does not imitate: such a row (flagged in the first, hidden column) has its documents
  decoded and written by Python (`CsvColumn.finish`), like columns marked `sql_exact=False`.

Empty text and NULL are both written as an empty cell (COPY would quote empty text), and
rows end with CRLF like the csv module's (COPY ends them with LF; PostgreSQL sends one row
per CopyData message, so the end of a message is the end of a row).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from django.db import connections
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse

from registry.api_conventions import CSV_CHUNK_ROWS, csv_cell, csv_line
from registry.spreadsheet import defused_sql

CellKind = Literal["text", "number", "bool", "date", "datetime", "array", "document"]

# A JSON string token, or a run of whitespace between tokens (JSON strings hold no raw
# whitespace but spaces, which the string alternative keeps).
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_COMPACT_JSON = f"regexp_replace({{0}}, '({_JSON_STRING})|[ \\t\\n\\r]+', '\\1', 'g')"
# A number with a fraction or an exponent, once strings are taken out.
_FLOAT_IN_JSON = (
    f"({{0}} ~ '[0-9][.eE]' AND regexp_replace({{0}}, '{_JSON_STRING}', '', 'g') ~ '[0-9][.eE]')"
)
# isoformat() writes microseconds only when there are some; the date part holds no dot.
_UTC_ISO = (
    """replace(to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '')"""
)


@dataclass(frozen=True)
class CsvColumn:
    """One CSV column: its header, what it reads (a field path or an expression, resolved on
    the view's queryset) and how its cells are written. `finish` turns a decoded JSON
    document into what the JSON API shows (a serializer field's `to_representation`)."""

    name: str
    source: Any
    kind: CellKind = "text"
    finish: Callable[[Any], Any] | None = None
    sql_exact: bool = True


def _cell_sql(column: CsvColumn, expression: str, *, raw: bool) -> str:
    if column.kind == "text":
        text = f"({expression})::text"
        return f"NULLIF({text if raw else defused_sql(text)}, '')"
    if column.kind == "number":
        return f"({expression})::text"
    if column.kind == "bool":
        return f"CASE WHEN {expression} THEN 'true' WHEN NOT {expression} THEN 'false' END"
    if column.kind == "date":
        return f"to_char({expression}, 'YYYY-MM-DD')"
    if column.kind == "datetime":
        return f"{_UTC_ISO.format(expression)} || 'Z'"
    if column.kind == "array":
        return f"to_json({expression})::text"
    return _COMPACT_JSON.format(_document_text(expression))


def _document_text(expression: str) -> str:
    # A document's source is JSON text, json or jsonb (not an array of them).
    return f"({expression})::text"


def _fallback_sql(columns: Sequence[CsvColumn], expressions: Sequence[str]) -> str:
    """1 when some document of the row must be written by Python."""
    conditions = []
    for column, expression in zip(columns, expressions, strict=True):
        if column.kind != "document":
            continue
        if not column.sql_exact:
            return "1"
        conditions.append(_FLOAT_IN_JSON.format(_document_text(expression)))
    if not conditions:
        return "0"
    return f"CASE WHEN {' OR '.join(conditions)} THEN 1 ELSE 0 END"


def copy_statement(queryset: QuerySet, columns: Sequence[CsvColumn], *, raw: bool) -> str:
    """`COPY (...) TO STDOUT` of the rows of `queryset` (filtered and ordered as given): a
    0/1 column saying whether Python must finish the row, then the CSV cells. Flagged rows
    carry their documents as PostgreSQL's JSON text instead of the compact form."""
    # One select item per distinct source: two columns of the same value read it once.
    sources: list[Any] = []
    aliases = []
    for column in columns:
        source = F(column.source) if isinstance(column.source, str) else column.source
        if source not in sources:
            sources.append(source)
        aliases.append(f"csv_{sources.index(source)}")
    rows = queryset.values(**{f"csv_{index}": source for index, source in enumerate(sources)})
    sql, params = rows.query.sql_with_params()
    connection = connections[queryset.db]
    connection.ensure_connection()
    # COPY takes no parameters: the inner query is sent with its values quoted in.
    inner = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    expressions = [f'csv_rows."{alias}"' for alias in aliases]
    flag = _fallback_sql(columns, expressions)
    cells = []
    for column, expression in zip(columns, expressions, strict=True):
        cell = _cell_sql(column, expression, raw=raw)
        if column.kind == "document" and flag != "0":
            cell = f"CASE WHEN {flag} = 1 THEN {_document_text(expression)} ELSE {cell} END"
        cells.append(cell)
    select = ",\n       ".join([flag, *cells])
    # OFFSET 0 keeps the rows a subquery that PostgreSQL does not flatten, so an expensive
    # select item (a document read by the flag and by its cell) is computed once per row.
    return (
        f"COPY (SELECT {select}\nFROM (SELECT * FROM ({inner}) AS ordered OFFSET 0) AS csv_rows)"  # noqa: S608
        " TO STDOUT WITH (FORMAT csv)"
    )


def _python_finished_line(
    row: bytes | memoryview, columns: Sequence[CsvColumn], *, raw: bool
) -> bytes:
    """A flagged row: its documents decoded and written as the Python writer does."""
    (cells,) = csv.reader(io.StringIO(bytes(row[2:]).decode("utf-8")))
    for index, column in enumerate(columns):
        if column.kind != "document" or not cells[index]:
            continue
        value = json.loads(cells[index])
        cells[index] = csv_cell(column.finish(value) if column.finish else value)
    # Cells SQL already defused stay as they are: defusing is idempotent.
    return csv_line(cells, raw=raw).encode("utf-8").removesuffix(b"\r\n")


def stream_copy_csv_response(
    *, queryset: QuerySet, columns: Sequence[CsvColumn], filename: str, raw: bool = False
) -> StreamingHttpResponse:
    """Every row of `queryset` as a CSV download written by PostgreSQL's COPY, streamed in
    chunks of CSV_CHUNK_ROWS rows; the bytes are those of `stream_csv_response` on the same
    rows. The statement is built here, so a malformed one fails before the first byte."""
    statement = copy_statement(queryset, columns, raw=raw)
    header = csv_line([column.name for column in columns], raw=raw).encode("utf-8")
    alias = queryset.db

    def chunks() -> Iterator[bytes]:
        yield header
        lines: list[bytes | memoryview] = []
        # Django's own connection: it sees the request's transaction, and COPY is one
        # statement, so the rows come from one snapshot.
        with connections[alias].cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in copy:
                # b"0,": SQL wrote the whole row. Drop the flag and the final LF.
                lines.append(
                    row[2:-1] if row[0] == 0x30 else _python_finished_line(row, columns, raw=raw)
                )
                if len(lines) == CSV_CHUNK_ROWS:
                    yield b"\r\n".join(lines) + b"\r\n"
                    lines = []
        if lines:
            yield b"\r\n".join(lines) + b"\r\n"

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
