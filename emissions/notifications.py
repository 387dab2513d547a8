"""Emails about disclosures. Called from `transaction.on_commit` hooks in the services, so a
rolled-back action never mails anyone; a mail failure is logged, never raised to the user."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from emissions.models import Disclosure
from registry.models import User

logger = logging.getLogger(__name__)

DECISION_SUBJECTS = {
    "request_changes": "Changes requested on your emissions disclosure",
    "verify": "Your emissions disclosure is verified",
    "reject": "Your emissions disclosure was rejected",
}


def _send(*, to: str, subject: str, template: str, context: dict[str, object]) -> None:
    if not to:
        return
    body = render_to_string(template, {"SITE_URL": settings.SITE_URL, **context})
    # A header is one line: a line break in a name (stored before names were checked) would
    # make Django refuse the whole message.
    subject = " ".join(subject.split())
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except OSError:
        logger.warning("could not send %r to %s", subject, to, exc_info=True)


def notify_decision(*, disclosure_id: int, action: str, reason: str) -> None:
    """Tell the researcher what the reviewer decided and why."""
    disclosure = Disclosure.objects.select_related("owner").get(pk=disclosure_id)
    _send(
        to=disclosure.owner.email,
        subject=f"{DECISION_SUBJECTS[action]}: {disclosure.model_name}",
        template="emissions/email/decision.txt",
        context={"disclosure": disclosure, "action": action, "reason": reason},
    )


def notify_assigned(*, disclosure_id: int, reviewer_id: int) -> None:
    """Tell a reviewer a chair assigned them a disclosure."""
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    reviewer = User.objects.get(pk=reviewer_id)
    _send(
        to=reviewer.email,
        subject=f"Disclosure to review: {disclosure.model_name}",
        template="emissions/email/assigned.txt",
        context={"disclosure": disclosure, "reviewer": reviewer},
    )


def notify_resubmitted(*, disclosure_id: int, reviewer_id: int) -> None:
    """Tell the reviewer who asked for changes that a revision is back in the queue."""
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    reviewer = User.objects.get(pk=reviewer_id)
    _send(
        to=reviewer.email,
        subject=f"Revised disclosure resubmitted: {disclosure.model_name}",
        template="emissions/email/resubmitted.txt",
        context={"disclosure": disclosure, "reviewer": reviewer},
    )


def notify_comment(*, comment_id: int) -> None:
    """Tell the researcher a reviewer commented (researchers' own replies mail nobody)."""
    from emissions.models import DisclosureComment

    comment = DisclosureComment.objects.select_related("disclosure__owner", "author").get(
        pk=comment_id
    )
    owner = comment.disclosure.owner
    if comment.author_id == owner.pk:
        return
    _send(
        to=owner.email,
        subject=f"A reviewer commented on {comment.disclosure.model_name}",
        template="emissions/email/comment.txt",
        context={"comment": comment, "disclosure": comment.disclosure},
    )
