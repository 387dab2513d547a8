"""API tokens: issued for a password, valid for API_TOKEN_TTL_DAYS, revoked on demand and
whenever the account's password changes (a stolen token must not outlive the password).

One token per account (DRF's authtoken model); its `created` time dates it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from registry.models import User
from registry.workflow import audit


def api_token_expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_expired(token: Token, *, at: datetime.datetime | None = None) -> bool:
    return api_token_expires_at(token) <= (at or timezone.now())


def api_token_for(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The account's live token, or a new one if it has none or it expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not api_token_expired(token):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def api_tokens_revoke(*, user: User, actor: User | None = None, reason: str) -> bool:
    """Delete the account's token; True if there was one. Side effects: an audit event."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit(
            actor=actor or user,
            subject=user,
            action="api_token_revoked",
            reason=reason,
        )
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused with 401 once the token is older than its TTL."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise exceptions.AuthenticationFailed(
                "Token expired; ask /api/v1/auth/token/ for a new one."
            )
        return user, token
