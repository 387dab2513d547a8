"""Emails to a submitter about the decision on their submission.

Called by the submission services through `transaction.on_commit`, so a rolled-back decision
never sends mail. Plain text only: user-written titles and reasons cannot inject markup, and
the subject carries no user text (no header injection).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from incidents.models.submissions import Submission, SubmissionState

logger = logging.getLogger(__name__)


def notify_submission_decided(*, submission_id: int) -> bool:
    """Email the address the submitter gave, if any. Returns whether a mail was sent."""
    submission = (
        Submission.objects.select_related("resulting_report")
        .prefetch_related("resulting_incidents")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not submission.submitter_email or not submission.is_decided:
        return False
    verb = "accepted" if submission.state == SubmissionState.ACCEPTED else "not accepted"
    body = render_to_string(
        "submissions/email_decision.txt",
        {
            "submission": submission,
            "incidents": list(submission.resulting_incidents.order_by("pk")),
            "status_url": settings.SITE_URL + submission.get_absolute_url(),
            "site_url": settings.SITE_URL,
        },
    )
    send_mail(
        subject=f"[{settings.SITE_NAME}] Your submission {submission.pk} was {verb}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[submission.submitter_email],
    )
    logger.info(
        "submission decision mailed: submission=%s state=%s", submission.pk, submission.state
    )
    return True
