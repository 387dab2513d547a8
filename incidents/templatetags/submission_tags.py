"""Template access to the submitter's own submissions, for the account page's section."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from incidents.models.submissions import Submission
from incidents.services.submission_queue import submissions_for_user

register = template.Library()

ACCOUNT_LIST_LIMIT = 50


@register.simple_tag
def account_submissions(user: object) -> QuerySet[Submission] | list[Submission]:
    """`{% account_submissions user as submissions %}`: the newest of the user's own."""
    return submissions_for_user(user)[:ACCOUNT_LIST_LIMIT]  # type: ignore[arg-type]
