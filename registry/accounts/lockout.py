"""One login lockout for every way in: the site login, the admin login and the API token.

Failures are counted per resolved account (a username and its email address are one account,
whatever client tries them) and, for names that match no account, per client IP. Django's
`user_login_failed` signal feeds the counters, so every path that calls `authenticate()` counts;
`LockoutModelBackend` refuses a locked account before it looks at the password, so every such
path meets the same lock. The counters live in the cache: production sets CACHE_URL so all
workers share them (`check --deploy` says so, see `registry.checks`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from registry.accounts.services import username_for_login
from registry.accounts.throttling import (
    attempt_record,
    attempts_blocked,
    attempts_reset,
    client_ip,
    login_limit,
)
from registry.models import User


def _account(identifier: str) -> User | None:
    """The account a typed name (username, or email address) signs in as, if any."""
    username = username_for_login(identifier or "")
    if not username:
        return None
    return User.objects.filter(username=username).only("pk").first()


def _counter(identifier: str, request: HttpRequest | None) -> tuple[str, str]:
    """(ip, identity) of the one counter this attempt belongs to."""
    account = _account(identifier)
    if account is not None:
        return "", f"account:{account.pk}"
    ip = client_ip(request) if request is not None else "unknown"
    return ip, "unknown-name"


def login_locked(*, identifier: str, request: HttpRequest | None) -> bool:
    """Whether attempts to sign in as `identifier` are refused now (before any password check)."""
    ip, identity = _counter(identifier, request)
    return attempts_blocked(login_limit(), ip=ip, identity=identity)


def login_failure_record(*, identifier: str, request: HttpRequest | None) -> None:
    """Count one failed attempt; attempts refused while locked do not prolong the lock."""
    ip, identity = _counter(identifier, request)
    limit = login_limit()
    if not attempts_blocked(limit, ip=ip, identity=identity):
        attempt_record(limit, ip=ip, identity=identity)


def login_failures_reset(user: User) -> None:
    """Forget an account's failures (a successful login, a password reset)."""
    attempts_reset(login_limit(), ip="", identity=f"account:{user.pk}")


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    """`user_login_failed` receiver: every failed `authenticate()` counts, whatever its path."""
    identifier = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
    login_failure_record(identifier=str(identifier), request=request)


class LockoutModelBackend(ModelBackend):
    """Django's username/password backend, refusing locked accounts and accepting emails."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if identifier is None or password is None:
            return None
        if login_locked(identifier=identifier, request=request):
            # PermissionDenied stops authenticate() trying other backends; it then reports
            # the failure through user_login_failed like any other.
            raise PermissionDenied("too many failed logins")
        user = super().authenticate(
            request, username=username_for_login(identifier), password=password
        )
        if user is not None:
            login_failures_reset(user)
        return user
