"""A dataset file as HTTP serves large static files: byte ranges (to resume a download),
gzip when the client accepts it, and the manifest's SHA-256 as a strong ETag.

Ranges and gzip exclude each other: a range counts bytes of the file as stored, so a request
with `Range` is answered uncompressed (as nginx and S3 do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_sequence

CHUNK_BYTES = 1 << 16
# Text files shrink several times over; anything else is sent as stored.
COMPRESSIBLE = frozenset({".csv", ".jsonl", ".json", ".cff", ""})
_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _chunks(path: Path, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = length
        while left is None or left > 0:
            chunk = handle.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
            if not chunk:
                return
            if left is not None:
                left -= len(chunk)
            yield chunk


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of one `bytes=a-b`, `bytes=a-` or `bytes=-n` range; None when the
    header is not a single satisfiable range."""
    match = _SINGLE_RANGE.match(header.strip())
    if not match or match.groups() == ("", "") or size == 0:
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


def file_response(
    request: HttpRequest, path: Path, *, content_type: str, filename: str, sha256: str | None
) -> HttpResponse:
    size = path.stat().st_size
    etag = f'"{sha256}"' if sha256 else None
    if etag and etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    range_header = request.headers.get("Range")
    if range_header and (not etag or request.headers.get("If-Range", etag) == etag):
        span = byte_range(range_header, size)
        if span is None:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        start, end = span
        response = StreamingHttpResponse(
            _chunks(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    elif path.suffix in COMPRESSIBLE and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = StreamingHttpResponse(
            compress_sequence(_chunks(path)), content_type=content_type
        )
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag:
        response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
