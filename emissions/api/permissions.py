"""Object permissions of the disclosure API. They ask the workflow table and the selectors,
so the API refuses exactly what the pages and the services refuse.

Visibility comes first (`views.visible_disclosure` answers 404 for anything the caller may not
see); these classes then answer 403 for a visible disclosure that is not the caller's to change.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from emissions.models import Disclosure
from emissions.presentation import may_follow_review
from emissions.services.workflow import DISCLOSURE_WORKFLOW, action_permitted


class IsDisclosureOwner(BasePermission):
    """Editing and amending belong to the researcher who wrote the disclosure."""

    message = "Only its researcher may change a disclosure."

    def has_object_permission(self, request: Request, view: Any, obj: Disclosure) -> bool:
        return obj.owner_id == request.user.pk


class WorkflowActionPermitted(BasePermission):
    """The view's workflow action (its `action` name) is the caller's per the table."""

    def has_object_permission(self, request: Request, view: Any, obj: Disclosure) -> bool:
        action = getattr(view, "workflow_action", None) or view.action
        if action not in DISCLOSURE_WORKFLOW.transitions:
            return True
        self.message = f"You may not '{action}' this disclosure."
        return action_permitted(action, actor=request.user, disclosure=obj)


class FollowsReview(BasePermission):
    """The review conversation: the researcher and reviewers without a conflict."""

    message = "Only its researcher and reviewers see and write comments."

    def has_object_permission(self, request: Request, view: Any, obj: Disclosure) -> bool:
        return may_follow_review(request.user, obj)
