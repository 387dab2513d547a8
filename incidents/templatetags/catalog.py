"""Presentation helpers of the catalog pages (formatting only, no queries)."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django import template

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
