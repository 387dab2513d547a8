"""Anonymous GETs of public pages and API reads, served from the cache (registry/cache.py).

What is cached: the full response (status 200, headers, body) of a GET from a visitor who is
not signed in (no session or messages cookie, no Authorization header) under the paths in
`PAGE_CACHE_PREFIXES`, keyed by the data version, the host, the path with its query and the
`Accept` header. A write bumps the version, so the next request renders afresh.

What is never cached: signed-in visitors (their pages differ), streamed responses (files,
the CSV stream), responses that set a cookie or used the CSRF token, anything marked private
or no-store, and non-200 answers.

Every cacheable response carries an ETag (a hash of the body) and `Cache-Control: no-cache`, so
browsers revalidate each time and get a 304 while the page has not changed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from registry.cache import current_data_version, page_key

logger = logging.getLogger(__name__)

# Headers that belong to one request or are recomputed per response: not stored.
_NOT_STORED = {"set-cookie", "x-request-id", "content-length"}


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _matches(request: HttpRequest, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in wanted.split(",")) or (
        wanted.strip() == "*"
    )


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        version = current_data_version()
        if version is None:
            return self.get_response(request)
        key = page_key(
            version,
            request.get_host(),
            request.get_full_path(),
            request.headers.get("Accept", ""),
        )
        stored = self._get(key)
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            etag = _etag(response.content)
            response["ETag"] = etag
            response["Cache-Control"] = "no-cache"
            patch_vary_headers(response, ("Cookie", "Accept", "Authorization"))
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
            ]
            self._set(
                key,
                {
                    "status": response.status_code,
                    "headers": headers,
                    "content": response.content,
                    "etag": etag,
                },
            )
            if _matches(request, etag):
                return self._not_modified(headers)
        return response

    def _cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.PAGE_CACHE_ENABLED or request.method != "GET":
            return False
        prefixes = tuple(settings.PAGE_CACHE_PREFIXES)
        if not (request.path == "/" or request.path.startswith(prefixes)):
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        # A session may be signed in, and a pending message shows once: both make the page
        # personal. (Reading the cookie names costs nothing; loading the session would.)
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    def _cacheable_response(self, request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        control = response.get("Cache-Control", "").lower()
        return "private" not in control and "no-store" not in control

    def _replay(self, request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
        if _matches(request, stored["etag"]):
            return self._not_modified(stored["headers"])
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _not_modified(headers: list[tuple[str, str]]) -> HttpResponse:
        response = HttpResponseNotModified()
        for name, value in headers:
            if name.lower() in {"etag", "cache-control", "vary"}:
                response[name] = value
        return response

    def _get(self, key: str) -> dict[str, Any] | None:
        try:
            return cache.get(key)
        except Exception:  # noqa: BLE001 - a cache outage means rendering, not failing
            logger.warning("page cache read failed", exc_info=True)
            return None

    def _set(self, key: str, value: dict[str, Any]) -> None:
        try:
            cache.set(key, value, timeout=settings.PAGE_CACHE_TIMEOUT_S)
        except Exception:  # noqa: BLE001
            logger.warning("page cache write failed", exc_info=True)
