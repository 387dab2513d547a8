"""Throttles that also tell the client where it stands: `RateLimit-Limit`,
`RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window frees a request) on
every API response, as in the IETF RateLimit header fields draft.

The counts are DRF's: kept in the default cache, which is Redis (shared by every process and
machine) when CACHE_URL is set, and per process otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import throttling

RATE_LIMIT_ATTRIBUTE = "registry_rate_limit"


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset_s: int


class ReportingThrottleMixin:
    """Remembers, on the request, the state of the tightest throttle that ran."""

    def allow_request(self, request: Any, view: Any) -> bool:
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if self.rate is None:  # type: ignore[attr-defined]
            return allowed
        history = getattr(self, "history", [])
        remaining = max(0, self.num_requests - len(history))  # type: ignore[attr-defined]
        if history:
            oldest_s = self.timer() - history[-1]  # type: ignore[attr-defined]
            reset_s = max(0, int(self.duration - oldest_s + 0.999))  # type: ignore[attr-defined]
        else:
            reset_s = int(self.duration)  # type: ignore[attr-defined]
        state = RateLimitState(self.num_requests, remaining, reset_s)  # type: ignore[attr-defined]
        django_request = getattr(request, "_request", request)
        current = getattr(django_request, RATE_LIMIT_ATTRIBUTE, None)
        if current is None or state.remaining < current.remaining:
            setattr(django_request, RATE_LIMIT_ATTRIBUTE, state)
        return allowed


class AnonRateThrottle(ReportingThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ReportingThrottleMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ReportingThrottleMixin, throttling.ScopedRateThrottle):
    pass


class RateLimitHeadersMiddleware:
    """Copies the request's throttle state into the response headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        state: RateLimitState | None = getattr(request, RATE_LIMIT_ATTRIBUTE, None)
        if state is not None:
            response["RateLimit-Limit"] = str(state.limit)
            response["RateLimit-Remaining"] = str(state.remaining)
            response["RateLimit-Reset"] = str(state.reset_s)
        return response
