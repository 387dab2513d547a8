"""Errors the disclosure services raise for a caller to turn into a message or a status."""

from __future__ import annotations


class DisclosureNotEditable(Exception):
    """The disclosure may not be changed by this person in its current state."""


class AmendmentRefused(Exception):
    """An amendment cannot be started (not verified, not the owner, or one already exists)."""


class CommentRefused(Exception):
    """The person may not comment on this disclosure, or the comment is empty."""


class ConflictDeclarationRefused(Exception):
    """Only the reviewer concerned or a chair may declare a reviewer's conflict."""
