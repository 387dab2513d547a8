"""HTML -> PDF through WeasyPrint with the safety fence of `safety.py` always in place.

A venue export renders hundreds of packets in one process, so what does not change between them
is built once per thread and reused: the parsed packet stylesheet and the font configuration
(Pango's font map, which caches the fonts it has loaded and shaped). The cyclic garbage
collector is paused while a document is laid out: WeasyPrint allocates boxes by the hundred
thousand, and each full collection also walks every long-lived object of the process
(Django, WeasyPrint's own tables) for nothing.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.conf import settings
from django.utils.html import escape

from venues.exports.safety import sanitise_html

# WeasyPrint logs every rendering step at INFO: hundreds of lines per venue export.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PaperSize = Literal["A4", "Letter"]
PAPER_SIZES: tuple[PaperSize, ...] = ("A4", "Letter")
PACKET_STYLESHEET = "css/packet.css"

# The document shell is ours, never user content: the body fragment is sanitised before it is
# put inside. The stylesheet is passed beside it, parsed once (see `_stylesheets`).
_SHELL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    "</head><body>{body}</body></html>"
)

# One font configuration and one parsed stylesheet per thread: Pango's font map is not shared
# across threads, and an export thread's copies go away with it. A process keeps the stylesheet
# it first read (as it keeps its templates): a changed packet.css is seen after a restart.
_per_thread = threading.local()


def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def _stylesheets(paper_size: PaperSize) -> list[Any]:
    """The packet stylesheet, read from the static files through the fence, and the page size."""
    from weasyprint import CSS

    from venues.exports.safety import StaticOnlyURLFetcher

    cache: dict[PaperSize, list[Any]] = _per_thread.__dict__.setdefault("stylesheets", {})
    if paper_size not in cache:
        font_config = _font_config()
        static_url = settings.STATIC_URL.strip("/") + "/"
        packet = CSS(
            url=f"file:///{static_url}{PACKET_STYLESHEET}",
            url_fetcher=StaticOnlyURLFetcher(),
            font_config=font_config,
        )
        page = CSS(string=f"@page {{ size: {paper_size}; }}", font_config=font_config)
        cache[paper_size] = [packet, page]
    return cache[paper_size]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic collection during one document; its garbage is collected after, as usual."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def render_pdf(
    *,
    title: str,
    body_html: str,
    paper_size: PaperSize = "A4",
    fetcher: Any = None,
) -> bytes:
    """Render a sanitised body fragment inside the packet shell; return the PDF bytes.

    `fetcher` may be passed to inspect what was refused; a fresh one is used otherwise.
    """
    if paper_size not in PAPER_SIZES:
        raise ValueError(f"paper size must be one of {', '.join(PAPER_SIZES)}")
    document = _SHELL.format(title=escape(title), body=sanitise_html(body_html))
    # Imported here so that processes which only read data never load WeasyPrint.
    from weasyprint import HTML

    from venues.exports.safety import StaticOnlyURLFetcher

    html = HTML(string=document, base_url="file:///", url_fetcher=fetcher or StaticOnlyURLFetcher())
    with _cyclic_gc_paused():
        return html.write_pdf(stylesheets=_stylesheets(paper_size), font_config=_font_config())
