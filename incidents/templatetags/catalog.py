"""Presentation helpers of the catalog pages (formatting only, no queries)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from incidents.models import DatePrecision, ReportKind

register = template.Library()


@register.filter
def precise_date(date: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date shown no more precisely than it is known: "14 March 2018", "March 2018", "2018"."""
    if date is None:
        return "Date unknown"
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    if precision == DatePrecision.MONTH:
        return f"{date:%B} {date.year}"
    return f"{date.day} {date:%B} {date.year}"


@register.filter
def incident_date(incident: object) -> str:
    return precise_date(getattr(incident, "date", None), getattr(incident, "date_precision", ""))


@register.filter
def report_kind_label(kind: str) -> str:
    return ReportKind(kind).label if kind in ReportKind.values else kind


@register.filter
def web_link(url: str) -> str:
    """The URL when it is an http(s) address, else "": records imported from elsewhere skip form
    validation, and a `javascript:` or `data:` URL must never become a link on our pages."""
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return url.strip()
    return ""


@register.filter
def entity_names(links: object) -> list[str]:
    """The names of an incident's entity links, each once (a deployer is often its developer)."""
    return list(dict.fromkeys(link.entity.name for link in links))  # type: ignore[attr-defined]


# The two longest repetitions of the incident list (hundreds of facet values, the entity
# datalist) are built here in one pass: the template language spends tens of microseconds on
# every variable it resolves, which made them most of the page's rendering time.


@register.filter
def facet_choices(values: list) -> SafeString:
    """The checkboxes of one facet field's values (`FacetValue`s), escaped."""
    return format_html_join(
        "\n",
        '<li><label class="check"><input type="checkbox" name="taxonomy" value="{}"{}>'
        ' <span class="facet-choice">{}</span> <span class="count">{}</span></label></li>',
        ((v.facet, mark_safe(" checked") if v.selected else "", v.value, v.count) for v in values),
    )


@register.filter
def datalist_options(names: list[str]) -> SafeString:
    return format_html_join("", '<option value="{}"></option>', ((name,) for name in names))


@register.simple_tag
def incident_items(incidents: Iterable[Any], show_entities: bool = False) -> SafeString:
    """The `<li>` rows of an incident list (number, date, report count when the list counted
    them, title; the deployers' and developers' names with `show_entities`). Built here with
    `html.escape` (what Django's `escape` calls) rather than by a template included per row:
    an entity in a thousand incidents lists them all."""
    return mark_safe("\n".join(_item(i, show_entities) for i in incidents))  # noqa: S308


def _item(incident: Any, show_entities: bool) -> str:
    date = incident.date
    count = getattr(incident, "report_count", None)
    names = entity_names(incident.entity_links.all()) if show_entities else []
    # The date attribute and the count are digits and dashes: nothing to escape.
    when = f' datetime="{date.isoformat()}"' if date else ""
    counted = "" if count is None else f" · {int(count)} report{pluralize(count)}"
    meta = f'\n  <p class="item-meta">{escape(", ".join(names))}</p>' if names else ""
    return (
        '<li class="item">\n'
        f'  <p class="item-eyebrow"><span class="item-id">#{int(incident.id)}</span> · '
        f"<time{when}>{escape(incident_date(incident))}</time>{counted}</p>\n"
        f'  <h3 class="item-title"><a href="{escape(incident.get_absolute_url())}">'
        f"{escape(incident.title)}</a></h3>{meta}\n"
        "</li>"
    )
