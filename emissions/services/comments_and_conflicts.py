"""Review conversation and conflicts of interest: comments, declared conflicts."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from emissions import notifications
from emissions.models import Disclosure, DisclosureComment, DisclosureState, ReviewConflict
from emissions.selectors import disclosures_for_reviewer
from emissions.services.errors import CommentRefused, ConflictDeclarationRefused
from emissions.services.workflow import disclosure_release
from registry.models import Role, User
from registry.workflow import audit

MAX_COMMENT_CHARS = 10_000


def disclosure_comment(*, disclosure_id: int, author: User, body: str) -> DisclosureComment:
    """Add a comment to the review conversation (reviewers without conflict, and the owner).

    Side effects: one "comment" audit event; on commit, an email to the researcher when the
    author is a reviewer.
    """
    text = body.strip()
    if not text:
        raise CommentRefused("Write something first.")
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentRefused(f"Keep comments under {MAX_COMMENT_CHARS} characters.")
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
        is_owner = disclosure.owner_id == author.pk
        if not is_owner and not disclosures_for_reviewer(author).filter(pk=disclosure.pk).exists():
            raise CommentRefused("Only the researcher and its reviewers may comment.")
        if disclosure.state == DisclosureState.DRAFT:
            raise CommentRefused("A draft has no reviewers yet.")
        comment = DisclosureComment.objects.create(disclosure=disclosure, author=author, body=text)
        audit(
            actor=author,
            subject=disclosure,
            action="comment",
            from_state=disclosure.state,
            to_state=disclosure.state,
            data={"comment": comment.pk},
        )
        transaction.on_commit(
            lambda: notifications.notify_comment(comment_id=comment.pk), robust=True
        )
    return comment


def disclosure_declare_conflict(
    *, disclosure_id: int, reviewer: User, actor: User, reason: str = ""
) -> ReviewConflict:
    """Record that `reviewer` must not review this disclosure (a recusal, or a chair's call).

    If the reviewer holds it, it is released to the queue first (an audited transition).
    Side effects: one "declare_conflict" audit event.
    """
    if actor.pk != reviewer.pk and not actor.has_role(Role.CHAIR):
        raise ConflictDeclarationRefused("Only the reviewer concerned or a chair may declare it.")
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    with transaction.atomic():
        if (
            disclosure.assigned_reviewer_id == reviewer.pk
            and disclosure.state == DisclosureState.IN_REVIEW
        ):
            disclosure_release(
                disclosure_id=disclosure.pk, actor=actor, reason="conflict of interest declared"
            )
        try:
            with transaction.atomic():
                conflict = ReviewConflict.objects.create(
                    disclosure=disclosure, reviewer=reviewer, reason=reason.strip()
                )
        except IntegrityError:
            return ReviewConflict.objects.get(disclosure=disclosure, reviewer=reviewer)
        audit(
            actor=actor,
            subject=disclosure,
            action="declare_conflict",
            from_state=disclosure.state,
            to_state=disclosure.state,
            reason=reason.strip(),
            data={"reviewer": reviewer.get_username()},
        )
    return conflict
