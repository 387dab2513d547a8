"""The API's CSV stream: one writer per stream, flushed in chunks, byte for byte the same
records (defused cells) as one line at a time."""

from __future__ import annotations

from registry.api_conventions import CSV_CHUNK_ROWS, csv_line, stream_csv_response


def test_it_streams_every_row_in_chunks_with_defused_cells():
    header = ["id", "title", "tags"]
    rows = [
        {"id": n, "title": "=HYPERLINK(1)" if n == 7 else f"title, {n}", "tags": ["a", "b"]}
        for n in range(2 * CSV_CHUNK_ROWS + 1)
    ]

    response = stream_csv_response(header=header, rows=iter(rows), filename="x.csv")
    chunks = list(response.streaming_content)

    expected = csv_line(header) + "".join(csv_line([r[k] for k in header]) for r in rows)
    assert (len(chunks), b"".join(chunks).decode()) == (3, expected)
    assert "'=HYPERLINK(1)" in expected
