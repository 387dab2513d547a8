"""CSRF: every HTML endpoint refuses a POST without a token, every template form carries one,
and the API's session-authenticated writes need one too (token-authenticated ones do not)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Values for the URL converters and named regex groups of our patterns; the CSRF check runs
# before the view, so the objects need not exist.
SAMPLE_BY_CONVERTER = {"IntConverter": "1", "SlugConverter": "x", "StringConverter": "x"}
SAMPLE_BY_GROUP = {"action": "claim", "fmt": "csv", "uidb64": "MQ", "token": "set-password"}
# /admin/ is Django's own (CSRF-protected by its own decorator); /api/ is DRF, tested below.
EXCLUDED_PREFIXES = ("admin/", "api/")


def _sample(pattern: URLPattern, prefix: str) -> str | None:
    route = str(pattern.pattern)
    converters = getattr(pattern.pattern, "converters", {})
    if converters:
        path = route
        for name, converter in converters.items():
            kind = type(converter).__name__
            value = {"UUIDConverter": str(uuid.UUID(int=1)), "PathConverter": "x/y"}.get(
                kind, SAMPLE_BY_CONVERTER.get(kind, SAMPLE_BY_GROUP.get(name, "x"))
            )
            path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
        return "/" + prefix + path
    if route.startswith("^"):
        path = route.strip("^$")
        for name in pattern.pattern.regex.groupindex:
            value = "1" if name in {"pk", "id"} else SAMPLE_BY_GROUP.get(name, "x")
            path = re.sub(rf"\(\?P<{name}>[^)]*\)", value, path)
        return "/" + prefix + path
    return "/" + prefix + route


def html_endpoints() -> list[str]:
    """A concrete URL for every pattern outside /admin/ and /api/."""
    urls: list[str] = []

    def walk(patterns: list, prefix: str) -> None:  # noqa: ANN001
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif not (prefix + str(entry.pattern)).startswith(EXCLUDED_PREFIXES):
                urls.append(_sample(entry, prefix))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


HTML_ENDPOINTS = html_endpoints()


def test_it_finds_every_html_endpoint():
    # A floor, so a broken walk cannot silently test nothing.
    assert len(HTML_ENDPOINTS) >= 50
    assert "/submit/" in HTML_ENDPOINTS
    assert "/disclosures/new/" in HTML_ENDPOINTS
    assert "/accounts/login/" in HTML_ENDPOINTS


@pytest.fixture
def csrf_client(db) -> Client:  # noqa: ANN001
    # Staff reach every view; one account is enough (the world's seven would slow 70 tests).
    from tests.factories.accounts import UserFactory

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="sam", role="staff", is_staff=True))
    return client


# Endpoints a POST without a CSRF token may reach, and why that is safe.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without cookies; the signed token in
    # the path is the authority (a forged or altered token is a 400, tests/search/test_follows).
    "/accounts/following/unsubscribe/x/": "signed token",
}


@pytest.mark.parametrize("url", [u for u in HTML_ENDPOINTS if u not in CSRF_EXEMPT])
def test_it_refuses_a_post_without_a_csrf_token(csrf_client, url):
    response = csrf_client.post(url, {"title": "x", "body": "x", "reason": "x"})
    assert response.status_code == 403, url


def test_it_refuses_an_anonymous_post_without_a_csrf_token(client):
    anonymous = Client(enforce_csrf_checks=True)
    for url in ("/submit/", "/submit/quick/", "/accounts/login/", "/accounts/signup/"):
        assert anonymous.post(url, {"username": "x"}).status_code == 403, url


def test_it_accepts_a_post_with_the_token_from_the_page(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": "wrong", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200


def template_forms() -> list[tuple[str, str]]:
    """(template, form) for every POST form in the templates."""
    forms = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<form\b[^>]*>.*?</form>", text, re.DOTALL | re.IGNORECASE):
            if re.search(r'method="post"', match.group(0), re.IGNORECASE):
                forms.append((str(path.relative_to(settings.BASE_DIR)), match.group(0)))
    return forms


def test_it_puts_a_csrf_token_in_every_post_form_of_the_templates():
    forms = template_forms()
    assert len(forms) >= 10
    missing = [name for name, form in forms if "{% csrf_token %}" not in form]
    assert missing == []


API_WRITES = [
    ("post", "/api/v1/submissions/"),
    ("post", "/api/v1/disclosures/"),
    ("post", "/api/v1/disclosures/1/comments/"),
    ("post", "/api/v1/incidents/1/merge/"),
    ("post", "/api/v1/reports/1/flag/"),
    ("post", "/api/v1/venues/x/assignments/auto/"),
    ("post", "/api/v1/venues/x/exports/"),
]


@pytest.mark.parametrize(("method", "url"), API_WRITES)
def test_it_requires_csrf_for_session_authenticated_api_writes(csrf_client, method, url):
    response = getattr(csrf_client, method)(url, json.dumps({}), content_type="application/json")
    assert response.status_code == 403, url
    assert "CSRF" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_requires_csrf_for_other_unsafe_api_methods(csrf_client, method):
    response = getattr(csrf_client, method)(
        "/api/v1/disclosures/1/", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_it_needs_no_csrf_token_with_token_authentication(db):
    from rest_framework.authtoken.models import Token

    from tests.factories.accounts import UserFactory

    token = Token.objects.create(user=UserFactory(username="edna", role="editor"))
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/reports/999999/flag/",
        json.dumps({"reason": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 404
