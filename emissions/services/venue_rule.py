"""The venue rule of the disclosure workflow, as a hook: emissions knows that a venue may
forbid an action, not how (venues sit above emissions and must not be imported from here).

`venues` registers its one rule (`venues.selectors.venue_workflow_refusal`) in its AppConfig;
the transition table's predicates call `venue_refusal` for every path (API, pages, bulk, admin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VenueRefusal = Callable[..., "str | None"]
_rule: VenueRefusal | None = None


def venue_rule_register(rule: VenueRefusal) -> None:
    global _rule
    _rule = rule


def venue_refusal(*, actor: Any, disclosure: Any) -> str | None:
    """Why the disclosure's venue forbids `actor` to act on it now, or None."""
    if disclosure.venue_id is None:
        return None
    if _rule is None:  # a venue paper with the venues app not loaded: refuse, never guess
        return "the venue's rules are not available"
    return _rule(actor=actor, disclosure=disclosure)
