"""Markdown or HTML from reports and incidents, rendered to HTML that is safe to show.

Report text comes from outside (news sites, the AIID, the public queue) and may carry anything:
scripts, event handlers, `javascript:` links, frames, SVG, style sheets. Everything goes through
Markdown, then nh3 with a short allow-list, so hostile markup is dropped before it reaches a page.
"""

from __future__ import annotations

import re
import threading
from html import unescape as html_unescape

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
        "figure", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
        "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Content of these is dropped entirely, not kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "svg", "math"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _demote_headings(html: str) -> str:
    # The page already has its h1 and h2; headings inside a text start at h3.
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", html)


def sanitise_html(html: str) -> str:
    """Drop every tag, attribute and URL scheme outside the allow-list."""
    return nh3.clean(
        _demote_headings(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative="deny",
    )


_converters = threading.local()


def _converter(*extensions: str) -> markdown.Markdown:
    """A Markdown converter for this thread, reset: building one (its parsers and pattern
    registries) costs more than converting a typical text, and a converter is not thread-safe.
    A feed of 50 summaries or a page of excerpts reuses one."""
    by_extensions = _converters.__dict__.setdefault("by_extensions", {})
    converter = by_extensions.get(extensions)
    if converter is None:
        converter = markdown.Markdown(extensions=list(extensions), output_format="html")
        by_extensions[extensions] = converter
    return converter.reset()


def render_markdown(text: str) -> SafeString:
    """Markdown (which may embed HTML) to sanitised HTML, safe to insert into a template."""
    if not text:
        return mark_safe("")  # noqa: S308 - constant empty string
    html = _converter("sane_lists", "tables").convert(text)
    return mark_safe(sanitise_html(html).strip())  # noqa: S308 - the output of the sanitiser


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown text, every tag and the content of scripts and styles removed
    (for excerpts; the template escapes what is left)."""
    if not markdown_text:
        return ""
    html = _converter("sane_lists").convert(markdown_text)
    text = nh3.clean(html, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))
    return html_unescape(text)
