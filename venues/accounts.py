"""`create_account --venue SLUG` (a core command) announces the new account through
`registry.signals.account_created`; this receiver makes a chair or reviewer a member."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from registry.models import Role, User
from venues.models import Venue
from venues.services.venues import venue_add_chair, venue_add_reviewers


def account_join_venue(*, user: User, venue: str, **_: Any) -> str:
    """Add the account to the venue's chairs or reviewers; return the line to print.
    Raises ValidationError (rolling the account back) for an unknown venue or bad input."""
    found = Venue.objects.filter(slug=venue).first()
    if found is None:
        raise ValidationError({"venue": [f"No venue with slug '{venue}'."]})
    try:
        if user.role in (Role.CHAIR, Role.STAFF):
            venue_add_chair(actor=None, venue=found, chair=user)
            return f"Added as a chair of {found}."
        if user.role == Role.REVIEWER:
            venue_add_reviewers(actor=None, venue=found, reviewers=[user])
            return f"Added to the reviewers of {found}."
    except ValueError as exc:  # the venues area's input errors
        raise ValidationError({"venue": [str(exc)]}) from exc
    return f"Note: venue '{venue}' is recorded; a {user.role} has no role to play at a venue."
