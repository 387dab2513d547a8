"""How a disclosure's history reads to each audience (shared by the pages and the API).

Reviewers' names are theirs to keep: the public sees roles in the audit trail, while the
researcher and the disclosure's reviewers see who did what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emissions.models import Disclosure
from emissions.selectors import Viewer, disclosure_audit_trail, disclosures_for_reviewer

ACTION_LABELS = {
    "create": "Created",
    "edit": "Edited",
    "amend": "Amendment started",
    "submit": "Submitted for review",
    "withdraw": "Withdrawn",
    "claim": "Claimed by a reviewer",
    "assign": "Assigned to a reviewer",
    "release": "Returned to the queue",
    "request_changes": "Changes requested",
    "verify": "Verified",
    "reject": "Rejected",
    "recompute": "Recomputed by the estimator",
    "reverify": "Re-verified after a catalog change",
    "comment": "Comment",
    "declare_conflict": "Conflict of interest declared",
}


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    action: str
    label: str
    actor: str
    from_state: str
    to_state: str
    reason: str
    data: dict[str, Any]


def may_follow_review(viewer: Viewer, disclosure: Disclosure) -> bool:
    """The researcher and the reviewers free of conflict see comments and names."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == disclosure.owner_id:
        return True
    return disclosures_for_reviewer(viewer).filter(pk=disclosure.pk).exists()


def _public_actor(actor_id: int | None, disclosure: Disclosure) -> str:
    if actor_id is None:
        return "system"
    return "researcher" if actor_id == disclosure.owner_id else "reviewer"


def audit_rows(disclosure: Disclosure, *, viewer: Viewer) -> list[AuditRow]:
    """The disclosure's audit trail as the viewer may read it."""
    reveal = may_follow_review(viewer, disclosure)
    rows = []
    for event in disclosure_audit_trail(disclosure):
        if event.action == "comment" and not reveal:
            continue
        data = dict(event.data) if reveal else {}
        if event.action in ("recompute", "reverify"):
            data = dict(event.data)
        rows.append(
            AuditRow(
                at=event.created_at,
                action=event.action,
                label=ACTION_LABELS.get(event.action, event.action.replace("_", " ")),
                actor=event.actor_label if reveal else _public_actor(event.actor_id, disclosure),
                from_state=event.from_state,
                to_state=event.to_state,
                reason=event.reason,
                data=data,
            )
        )
    return rows
