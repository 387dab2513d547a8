"""`{% load follow_tags %}{% follow_button "incident" incident.pk "this incident" %}`: the follow
button of the incident, entity and search pages (search/follows.py does the work)."""

from __future__ import annotations

from typing import Any

from django import template

from search.follows import follow_find

register = template.Library()


@register.inclusion_tag("search/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], kind: str, target: Any, what: str) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "request": request,
        "user": user,
        "kind": kind,
        "target": str(target),
        "what": what,
        "followed": follow_find(user=user, kind=kind, target=str(target)),
    }
