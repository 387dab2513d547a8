"""Linking AI systems of the incident catalog to the models whose training is disclosed.

The one write path for `SystemModelLink`: editors link and unlink any system at any time; a
researcher may only confirm a link for a disclosure of their own that is not yet decided
(a suggestion is never turned into a link without that confirmation). Each change writes an
audit event in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from emissions.models import OPEN_STATES, Disclosure, SystemModelLink, SystemRelation
from incidents.models import Entity
from registry.models import Role, User
from registry.workflow import audit

AUTHOR_SOURCE = "Confirmed by the disclosure's author when submitting"


def may_link_systems(actor: User | None) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.has_role(Role.EDITOR))


def _may_confirm_for(actor: User, disclosure: Disclosure) -> bool:
    return disclosure.owner_id == actor.pk and disclosure.state in OPEN_STATES


@transaction.atomic
def system_link_create(
    *,
    actor: User,
    system_id: int,
    relation: str,
    source: str = "",
    model_name: str = "",
    disclosure_id: int | None = None,
) -> SystemModelLink:
    """Link a system to a model (and its disclosure, if any); audited as ``system_link.create``.

    Raises PermissionDenied unless the actor is an editor, or the author of the (still open)
    disclosure; ValidationError for an unknown relation, a missing model name or source, or a
    link that already exists.
    """
    disclosure = None
    if disclosure_id is not None:
        disclosure = Disclosure.objects.filter(pk=disclosure_id).first()
        if disclosure is None:
            raise ValidationError({"disclosure": "No such disclosure."})
    if not may_link_systems(actor) and not (
        disclosure is not None and _may_confirm_for(actor, disclosure)
    ):
        raise PermissionDenied("Only editors link systems, or authors their own open disclosure.")
    system = Entity.objects.filter(pk=system_id).first()
    if system is None:
        raise ValidationError({"system": "No such system."})
    if relation not in SystemRelation.values:
        raise ValidationError({"relation": f"Choose one of {', '.join(SystemRelation.values)}."})
    model_name = (model_name or (disclosure.model_name if disclosure else "")).strip()
    if not model_name:
        raise ValidationError({"model_name": "Name the model the system relates to."})
    source = source.strip() or (AUTHOR_SOURCE if not may_link_systems(actor) else "")
    if not source:
        raise ValidationError({"source": "Cite where the relation is stated."})
    try:
        with transaction.atomic():
            link = SystemModelLink.objects.create(
                system=system,
                model_name=model_name[:200],
                relation=relation,
                disclosure=disclosure,
                source=source,
                linked_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError("This system is already linked to that model.") from error
    audit(
        actor=actor,
        subject=link,
        action="system_link.create",
        data={
            "system": system.slug,
            "relation": relation,
            "model_name": link.model_name,
            "disclosure": disclosure.pk if disclosure else None,
            "source": source,
        },
    )
    return link


@transaction.atomic
def system_link_remove(*, actor: User, link_id: int, reason: str = "") -> None:
    """Undo a link; audited as ``system_link.remove`` with what the link said.

    Editors may remove any link; an author only one on their own disclosure while it is open.
    """
    link = (
        SystemModelLink.objects.select_for_update(of=("self",))
        .select_related("system", "disclosure")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise ValidationError("No such link.")
    if not may_link_systems(actor) and not (
        link.disclosure is not None and _may_confirm_for(actor, link.disclosure)
    ):
        raise PermissionDenied("Only editors unlink systems.")
    audit(
        actor=actor,
        subject=link,
        action="system_link.remove",
        reason=reason,
        data={
            "system": link.system.slug,
            "relation": link.relation,
            "model_name": link.model_name,
            "disclosure": link.disclosure_id,
            "source": link.source,
        },
    )
    link.delete()
