"""Template tags of the search area: `{% load search_tags %}` (the incident page's
"similar by text" slot, templates/incidents/_similar_text.html)."""

from __future__ import annotations

from typing import Any

from django import template

from search.similarity import similar_incidents as similar_incidents_selector

register = template.Library()


@register.inclusion_tag("search/_similar_incidents.html")
def similar_incidents(incident: Any, limit: int = 5) -> dict[str, Any]:
    """The incident page's "similar by text" list (the selector does the work)."""
    return {"incident": incident, "items": similar_incidents_selector(incident.id, limit=limit)}
