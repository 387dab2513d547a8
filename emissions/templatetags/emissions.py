"""Number formats of the disclosure pages, and the incident page's footprint slot."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import template

from emissions.charts import format_tco2e
from emissions.planning import readable_time
from emissions.presentation import LeaderboardRow, leaderboard_row
from emissions.selectors import verified_disclosures_for_entities, with_verification
from incidents.models import Entity, EntityRole, Incident

register = template.Library()


@register.filter
def tco2e(value: Any) -> str:
    """Tonnes CO2e, three significant figures (kg below a tonne); a dash when unknown."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return format_tco2e(float(value))


@register.filter
def humanise(value: Any) -> str:
    """``minor_discrepancy`` -> ``minor discrepancy``."""
    return str(value).replace("_", " ")


@register.filter
def readable(value: Any) -> str:
    """An ISO timestamp as ``Tue 3 Mar 2026, 16:15 UTC``; the value itself if it is not one."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return readable_time(moment) if moment.tzinfo else str(value)


@register.filter
def percent(value: Any) -> str:
    """A deviation fraction as a signed whole percentage (+224%); a dash when unknown."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return f"{value * 100:+.0f}%"


@register.filter
def kwh(value: Any) -> str:
    """Energy with a unit that keeps the number readable (kWh, MWh or GWh)."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    for unit, size in (("GWh", 1e6), ("MWh", 1e3), ("kWh", 1.0)):
        if abs(value) >= size or unit == "kWh":
            scaled = value / size
            return f"{scaled:,.0f} {unit}" if abs(scaled) >= 1000 else f"{scaled:.3g} {unit}"
    return ""


@register.inclusion_tag("emissions/_footprints_for_entities.html")
def footprints_for_entities(entities: Iterable[Entity]) -> dict[str, Any]:
    """Verified training footprints of these AI systems (renders nothing when none)."""
    ids = [entity.pk for entity in entities]
    return {"rows": _footprint_rows(ids)}


@register.inclusion_tag("emissions/_footprints_for_entities.html")
def footprints_for_incident(incident: Incident) -> dict[str, Any]:
    """Verified training footprints of the AI systems implicated in an incident."""
    ids = list(
        incident.entity_links.filter(role=EntityRole.IMPLICATED_SYSTEM).values_list(
            "entity_id", flat=True
        )
    )
    return {"rows": _footprint_rows(ids)}


def _footprint_rows(entity_ids: list[int]) -> list[LeaderboardRow]:
    """The leaderboard's reading of each footprint: recomputed, claimed, what was verified."""
    if not entity_ids:
        return []
    return [
        leaderboard_row(d) for d in with_verification(verified_disclosures_for_entities(entity_ids))
    ]
