"""What stands between text in a disclosure and the machines that render or open our exports.

WeasyPrint fetches any URL it meets (stylesheets, images, @import, url() in CSS) through its URL
fetcher; by default that includes file:// and the network, which would let a disclosure read
files off the server or reach internal hosts. Every PDF we render therefore goes through
`sanitise_html` (nh3, an allowlist of the tags our templates use) and `StaticOnlyURLFetcher`
(serves the application's own static files and nothing else). Spreadsheets get
`registry.spreadsheet.csv_writer`, the one formula-defusing rule of every CSV we write.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.contrib.staticfiles import finders

# Images embedded as data: URLs (our own SVG charts) stay small; anything else is refused.
MAX_DATA_URL_BYTES = 256 * 1024
DATA_URL_IMAGE_TYPES = frozenset({"image/svg+xml", "image/png", "image/jpeg", "image/gif"})
STATIC_FILE_TYPES = frozenset(
    {"text/css", "image/svg+xml", "image/png", "image/jpeg", "font/woff2"}
)

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "code", "col",
        "colgroup", "dd", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2",
        "h3", "h4", "h5", "header", "hr", "i", "img", "li", "main", "ol", "p", "pre", "section",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


class RefusedURL(ValueError):
    """A URL the packet renderer will not fetch."""


def sanitise_html(fragment: str) -> str:
    """Return `fragment` with every tag, attribute and URL scheme outside the allowlist removed.

    Our templates already escape user text; this second pass means that even a template mistake
    cannot hand WeasyPrint a <link>, <style>, <iframe> or an attribute that fetches something.
    """
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"https", "data"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def _static_roots() -> list[Path]:
    roots: list[Path] = []
    for finder in finders.get_finders():
        for _, storage in finder.list([]):
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return list(dict.fromkeys(roots))


def resolve_static_file(url: str) -> Path:
    """Map a file: URL to a file among the application's static files, or raise RefusedURL.

    Accepted: `file:///static/<path>` (the STATIC_URL path, looked up through the staticfiles
    finders) and absolute file: URLs whose real path lies inside a static directory.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"not a local file URL: {url}")
    path = unquote(parts.path)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    candidate: Path | None = None
    if path.startswith(static_prefix):
        relative = path[len(static_prefix) :]
        if ".." in Path(relative).parts:
            raise RefusedURL(f"path escapes the static files: {url}")
        found = finders.find(relative)
        candidate = Path(found).resolve() if found else None
    else:
        candidate = Path(path).resolve()
    if candidate is None or not candidate.is_file():
        raise RefusedURL(f"no such static file: {url}")
    if not any(candidate.is_relative_to(root) for root in _static_roots()):
        raise RefusedURL(f"outside the application's static files: {url}")
    content_type = mimetypes.guess_type(candidate.name)[0] or ""
    if content_type not in STATIC_FILE_TYPES:
        raise RefusedURL(f"static file type not served to the renderer: {url}")
    return candidate


_DATA_URL = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<b64>;base64)?,(?P<data>.*)$", re.S)


def decode_data_url(url: str) -> tuple[str, bytes]:
    match = _DATA_URL.match(url)
    if not match:
        raise RefusedURL("malformed data: URL")
    content_type = match["type"].lower()
    if content_type not in DATA_URL_IMAGE_TYPES:
        raise RefusedURL(f"data: URL of type {content_type} refused")
    raw = match["data"]
    if len(raw) > MAX_DATA_URL_BYTES * 2:
        raise RefusedURL("data: URL too large")
    body = base64.b64decode(raw, validate=True) if match["b64"] else unquote(raw).encode()
    if len(body) > MAX_DATA_URL_BYTES:
        raise RefusedURL("data: URL too large")
    return content_type, body


@functools.cache
def _fetcher_class() -> type:
    # WeasyPrint (about 25 MB) is imported only by the processes that render PDFs.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """A WeasyPrint fetcher that serves static files and small data: images, nothing else.

        http(s), ftp, file: outside the static directories and every other scheme raise
        RefusedURL, which WeasyPrint logs and treats as a missing resource: no socket is
        opened, no file read.
        """

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            try:
                scheme = url.split(":", 1)[0].lower()
                if scheme == "data":
                    content_type, body = decode_data_url(url)
                    return URLFetcherResponse(url, body, {"Content-Type": content_type})
                if scheme == "file":
                    path = resolve_static_file(url)
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, path.read_bytes(), {"Content-Type": content_type}
                    )
                raise RefusedURL(f"scheme {scheme!r} refused: {url[:200]}")
            except RefusedURL:
                self.refused.append(url[:200])
                raise

    return StaticOnlyURLFetcher


def __getattr__(name: str) -> Any:
    """`StaticOnlyURLFetcher` is built on first use, so importing this module stays light."""
    if name == "StaticOnlyURLFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
