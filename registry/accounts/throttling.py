"""Attempt counters in the cache: slow down password guessing and reset-email floods.

A counter is keyed by client IP and the identity tried (a username or an email address).
After `limit` attempts it blocks that pair for `window_seconds`, counted from the attempt that
reached the limit. The cache is per process unless CACHE_URL points at Redis, so production
with several workers should set CACHE_URL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class AttemptLimit:
    scope: str
    limit: int
    window_seconds: int

    @property
    def window_minutes(self) -> int:
        return max(1, round(self.window_seconds / 60))


def login_limit() -> AttemptLimit:
    """Failed logins per IP and username (settings LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_SECONDS)."""
    return AttemptLimit(
        scope="login",
        limit=getattr(settings, "LOGIN_FAILURE_LIMIT", 5),
        window_seconds=getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60),
    )


def password_reset_limit() -> AttemptLimit:
    """Reset requests per IP and email address (PASSWORD_RESET_LIMIT, LOGIN_LOCKOUT_SECONDS)."""
    return AttemptLimit(
        scope="password-reset",
        limit=getattr(settings, "PASSWORD_RESET_LIMIT", 5),
        window_seconds=getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60),
    )


def signup_limit() -> AttemptLimit:
    """Sign-up attempts per IP (SIGNUP_LIMIT per SIGNUP_WINDOW_SECONDS): each sends an email to
    any address, so account farming and mail flooding both cost attempts."""
    return AttemptLimit(
        scope="signup",
        limit=getattr(settings, "SIGNUP_LIMIT", 5),
        window_seconds=getattr(settings, "SIGNUP_WINDOW_SECONDS", 60 * 60),
    )


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client can write any forwarded header it likes.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(limit: AttemptLimit, ip: str, identity: str) -> str:
    digest = hashlib.sha256(f"{ip}\n{identity.strip().lower()}".encode()).hexdigest()
    return f"throttle:{limit.scope}:{digest}"


def attempts_blocked(limit: AttemptLimit, *, ip: str, identity: str) -> bool:
    return int(cache.get(_key(limit, ip, identity), 0)) >= limit.limit


def attempt_record(limit: AttemptLimit, *, ip: str, identity: str) -> int:
    """Count one attempt; return the count in the current window."""
    key = _key(limit, ip, identity)
    cache.add(key, 0, timeout=limit.window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window_seconds)
        count = 1
    if count >= limit.limit:
        # The block lasts a full window from the attempt that reached the limit.
        cache.set(key, count, timeout=limit.window_seconds)
    return count


def attempts_reset(limit: AttemptLimit, *, ip: str, identity: str) -> None:
    cache.delete(_key(limit, ip, identity))
