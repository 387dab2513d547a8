"""What the disclosure pages share: lookups that 404 on anything not visible, and the context
of one disclosure as the viewer may see it."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from emissions.charts import what_if_bars, what_if_svg
from emissions.models import OPEN_STATES, Disclosure, SystemModelLink
from emissions.presentation import (
    audit_rows,
    disclosure_badge,
    explained_flags,
    may_follow_review,
)
from emissions.selectors import (
    disclosure_comments,
    disclosure_pending_override,
    disclosure_superseded_by,
    disclosure_versions,
    disclosures_visible_to,
    recomputation_current,
)
from emissions.services.workflow import DISCLOSURE_WORKFLOW, disclosure_actions_for
from incidents.models import Incident

MAX_LINKED_INCIDENTS = 20
# Decisions first, the ways out last.
BUTTON_ORDER = [
    "submit",
    "claim",
    "verify",
    "confirm_override",
    "request_changes",
    "reject",
    "override",
    "decline_override",
    "assign",
    "release",
    "withdraw",
]
# Actions decided in one form with one reason box; the others are buttons of their own.
DECISION_ACTIONS = frozenset(
    {"verify", "request_changes", "reject", "override", "confirm_override", "decline_override"}
)
# A refused decision the viewer is told about (why not), rather than not shown at all.
EXPLAINED_REFUSALS = ("verify", "confirm_override")


def visible_disclosure_or_404(request: HttpRequest, pk: int) -> Disclosure:
    return get_object_or_404(
        disclosures_visible_to(request.user).select_related("owner", "venue", "supersedes"),
        pk=pk,
    )


def owned_disclosure_or_404(request: HttpRequest, pk: int) -> Disclosure:
    """Only the owner has an edit page; for everyone else it does not exist."""
    disclosure = visible_disclosure_or_404(request, pk)
    if disclosure.owner_id != request.user.pk:
        raise Http404("No such disclosure.")
    return disclosure


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def action_buttons(request: HttpRequest, disclosure: Disclosure) -> list[dict[str, Any]]:
    """The workflow actions the viewer may take now, with whether each needs a reason, and
    the decisions the verdict rule refuses now with the rule's words (`refused`)."""
    available = disclosure_actions_for(request.user, disclosure)
    refused = {
        action: why
        for action, why in DISCLOSURE_WORKFLOW.refusals(
            request.user, disclosure, disclosure.state
        ).items()
        if action in EXPLAINED_REFUSALS
    }
    buttons = []
    for action in sorted([*available, *refused], key=BUTTON_ORDER.index):
        if action == "assign":
            continue  # chairs assign through their own form (it names the reviewer)
        transition = DISCLOSURE_WORKFLOW.transitions[action]
        buttons.append(
            {
                "action": action,
                "label": transition.label,
                "needs_reason": transition.reason_required,
                "decision": action in DECISION_ACTIONS,
                "refused": refused.get(action, ""),
            }
        )
    return buttons


def disclosure_context(request: HttpRequest, disclosure: Disclosure) -> dict[str, Any]:
    """Everything the disclosure page shows, cut to what this viewer may see."""
    recomputation = recomputation_current(disclosure)
    recomputed = (recomputation.result or {}).get("recomputed") if recomputation else None
    linked = list(disclosure.linked_systems.all())
    incidents = (
        Incident.objects.filter(entity_links__entity__in=linked)
        .distinct()
        .order_by("-date")[:MAX_LINKED_INCIDENTS]
        if linked
        else []
    )
    follows = may_follow_review(request.user, disclosure)
    bars = what_if_bars(recomputed.get("what_if") if recomputed else None)
    actions = action_buttons(request, disclosure)
    return {
        "disclosure": disclosure,
        "recomputation": recomputation,
        "recomputed": recomputed,
        "flags": explained_flags(recomputation.flags) if recomputation else [],
        "what_if_bars": bars,
        "what_if_chart": what_if_svg(bars) if bars else None,
        "audit": audit_rows(disclosure, viewer=request.user),
        "versions": disclosure_versions(disclosure, viewer=request.user),
        "superseded_by": disclosure_superseded_by(disclosure),
        "linked_systems": linked,
        "system_links": list(
            SystemModelLink.objects.filter(disclosure=disclosure).select_related("system")
        ),
        "may_confirm_systems": disclosure.owner_id == request.user.pk
        and disclosure.state in OPEN_STATES,
        "linked_incidents": list(incidents),
        "follows_review": follows,
        "is_owner": disclosure.owner_id == request.user.pk,
        "comments": list(disclosure_comments(disclosure)) if follows else [],
        "actions": actions,
        "decisions": [button for button in actions if button["decision"]],
        "badge": disclosure_badge(disclosure),
        "pending_override": disclosure_pending_override(disclosure)
        if disclosure.state == "override_pending"
        else None,
    }
