"""Number formats of the disclosure pages, and the slots the emissions area fills on the
incident, entity and home pages of the catalog."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django import template

from emissions.charts import format_tco2e
from emissions.models import DisclosureState
from emissions.planning import readable_time
from emissions.selectors import disclosures_public
from emissions.systems import emissions_summary, footprints_for_systems
from emissions.systems import footprints_for_incident as system_footprints_for_incident
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


@register.inclusion_tag("emissions/_footprints_for_incident.html")
def footprints_for_incident(incident: Incident) -> dict[str, Any]:
    """Links and verified footprints of the AI systems implicated in an incident (one query)."""
    return {"footprints": system_footprints_for_incident(incident)}


@register.inclusion_tag("emissions/_entity_system.html")
def system_for_entity(entity: Entity) -> dict[str, Any]:
    """The entity page's pointer to its system page, with the models linked (one query)."""
    footprints = footprints_for_systems([entity.pk])[entity.pk]
    # Organisations and harmed people get no "as an AI system" section; systems always do.
    shown = (
        bool(footprints) or entity.incident_links.filter(role=EntityRole.IMPLICATED_SYSTEM).exists()
    )
    # An organisation's own disclosures, by the organisation named in them (GPT-3 for OpenAI).
    trained = list(
        disclosures_public()
        .filter(organisation__iexact=entity.name)
        .exclude(amendments__state=DisclosureState.VERIFIED)
        .order_by("-claim_tco2e", "-id")[:10]
    )
    return {
        "entity": entity,
        "footprints": footprints,
        "shown": shown,
        "trained": trained,
    }


@register.inclusion_tag("emissions/_home_emissions.html")
def home_emissions() -> dict[str, Any]:
    """The home page's emissions column beside the incident counts."""
    return {"summary": emissions_summary()}
