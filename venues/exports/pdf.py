"""HTML -> PDF through WeasyPrint with the safety fence of `safety.py` always in place."""

from __future__ import annotations

import logging
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
# put inside. The stylesheet is served by StaticOnlyURLFetcher from the app's static files.
_SHELL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    '<link rel="stylesheet" href="/{static_url}{stylesheet}"></head><body>{body}</body></html>'
)


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
    document = _SHELL.format(
        title=escape(title),
        static_url=settings.STATIC_URL.strip("/") + "/",
        stylesheet=PACKET_STYLESHEET,
        body=sanitise_html(body_html),
    )
    # Imported here so that processes which only read data never load WeasyPrint.
    from weasyprint import CSS, HTML

    from venues.exports.safety import StaticOnlyURLFetcher

    html = HTML(string=document, base_url="file:///", url_fetcher=fetcher or StaticOnlyURLFetcher())
    page_css = CSS(string=f"@page {{ size: {paper_size}; }}")
    return html.write_pdf(stylesheets=[page_css])
