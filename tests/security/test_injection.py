"""SQL-like and operator strings through every filter and search parameter of every list page
and every API list endpoint (the API's from its OpenAPI schema): never a server error; 200, or
400 with a message."""

from __future__ import annotations

import functools
import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve

from tests.security.corpus import SQL_LIKE_STRINGS, live_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    # Server errors are answers to record here, not exceptions to stop at.
    return Client(raise_request_exception=False)


# The HTML list pages and the GET parameters their views read (from the views and their forms).
HTML_PAGES: dict[str, tuple[str, ...]] = {
    "/incidents/": ("q", "year", "entity", "taxonomy", "kind", "sort", "page"),
    "/entities/": ("q", "page"),
    "/disclosures/": ("sort", "page"),
    "/disclosures/plan/": ("accelerator", "count", "region"),
    "/submit/queue/": ("state", "sort", "language", "from", "to", "q", "page", "mine"),
    "/disclosures/review/": ("state", "page", "sort"),
    "/search/": (
        "q",
        "type",
        "sort",
        "date_after",
        "date_before",
        "date_from",
        "date_to",
        "incident",
        "facet",
        "page",
    ),
    "/search/export.csv": ("q", "type", "facet"),
    "/search/feed.atom": ("q", "type", "facet", "date_from"),
    "/datasets/": ("page",),
    "/submit/": ("incident_ids",),  # prefilled by "Add a report to this incident"
}
LOGGED_IN_AS = {"/submit/queue/": "editor", "/disclosures/review/": "reviewer"}
# Every other address without path parameters, and why hostile query strings need no test of
# their own there. A new route must join HTML_PAGES or this table: the coverage test says so.
NOT_LIST_PAGES: dict[str, str] = {
    "/": "reads no query parameter",
    "/healthz": "reads no query parameter",
    "/accounts/": "account section, reads no query parameter",
    "/accounts/following/": "the signed-in person's follows, reads no query parameter",
    "/accounts/following/add/": "POST only (a follow button): tested in tests/search/test_follows",
    "/accounts/following/confirm/": "POST only (resend the confirmation link)",
    "/accounts/signup/": "a form: its POST fields are tested in test_xss_forms",
    "/accounts/login/": "a form: its POST fields are tested in test_xss_forms",
    "/accounts/logout/": "POST only",
    "/accounts/token/revoke/": "POST only",
    "/accounts/password_reset/": "a form: its POST fields are tested in test_xss_forms",
    "/accounts/password_reset/done/": "static page",
    "/accounts/reset/done/": "static page",
    "/accounts/password_change/": "a form: its POST fields are tested in test_xss_forms",
    "/accounts/password_change/done/": "static page",
    "/api/v1/schema/": "the schema; its format parameter is DRF's",
    "/api/v1/docs/": "Swagger UI page, reads no query parameter",
    "/api/v1/changelog/": "a Markdown file, reads no query parameter",
    "/submit/quick/": "a form: its POST fields are tested in test_xss_submissions",
    "/submit/received/": "static page",
    "/submit/queue/bulk/": "POST only",
    "/submit/editor/": "editors' tools index, reads no query parameter",
    "/disclosures/new/": "a form: its POST fields are tested in test_xss_disclosures",
    "/disclosures/import/": "an upload form: tested in test_uploads",
    "/disclosures/mine/": "the signed-in researcher's own list, reads no query parameter",
    "/disclosures/review/bulk/": "POST only",
    "/venues/": "lists the signed-in user's venues, reads no query parameter",
    "/feeds/incidents.atom": "reads no query parameter",
    "/feeds/reports.atom": "reads no query parameter",
    "/search/export.json": "the same view as /search/export.csv, covered there",
    "/taxonomies/": "reads no query parameter",
    "/systems/": "the list of linked AI systems, reads no query parameter",
}
# A page that answers 400 must say why.
MIN_MESSAGE_LENGTH = 10


def routed(url: str) -> bool:
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


def query_value(value: str) -> str:
    # Percent-encoded as a browser or a script would send it; a lone surrogate becomes the
    # invalid UTF-8 bytes a hostile client can send.
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def problems_for(client: Client, url: str, params: tuple[str, ...]) -> list[str]:
    problems = []
    for param in params:
        for value in SQL_LIKE_STRINGS:
            response = client.get(f"{url}?{param}={query_value(value)}")
            if response.status_code not in (200, 400) or (
                response.status_code == 400 and len(response.content) < MIN_MESSAGE_LENGTH
            ):
                problems.append(f"{url}?{param}={value[:40]!r} -> {response.status_code}")
            elif response["Content-Type"].startswith("text/html"):
                # The value is reflected in the page's form: it must come back as text.
                reflected = live_markup(response.content.decode())
                problems += [f"{url}?{param}={value[:40]!r}: {p}" for p in reflected]
    return problems


def html_routes_without_parameters() -> set[str]:
    """Every routed address outside the API and the admin that takes no path parameter."""

    def walk(patterns, prefix: str = ""):  # noqa: ANN001, ANN202
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return {
        "/" + route
        for route in walk(get_resolver().url_patterns)
        if "<" not in route and "(?P" not in route and not route.startswith(("api/", "admin/"))
    }


def test_it_covers_every_page_route_one_way_or_the_other():
    routes = html_routes_without_parameters()
    unclassified = routes - set(HTML_PAGES) - set(NOT_LIST_PAGES)
    # Add each to HTML_PAGES (with the parameters it reads) or to NOT_LIST_PAGES (with why).
    assert unclassified == set()


def test_it_routes_every_covered_page():
    covered = set(HTML_PAGES) | set(NOT_LIST_PAGES)
    assert {url for url in covered if not routed(url)} == set()


@pytest.mark.parametrize("url", sorted(HTML_PAGES))
def test_it_answers_hostile_filter_values_on_list_pages(client, world, url):
    role = LOGGED_IN_AS.get(url)
    if role:
        client.force_login(getattr(world, role))
    assert problems_for(client, url, HTML_PAGES[url]) == []


@functools.cache
def api_list_parameters() -> dict[str, tuple[str, ...]]:
    """Every GET endpoint without path parameters, with the query parameters it documents."""
    schema = json.loads(Client().get("/api/v1/schema/", {"format": "json"}).content)
    endpoints = {}
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        names = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
        endpoints[path] = names
    return endpoints


def test_it_reads_the_api_list_endpoints_from_the_schema(db):
    endpoints = api_list_parameters()
    assert {"/api/v1/incidents/", "/api/v1/reports/", "/api/v1/disclosures/"} <= set(endpoints)
    assert sum(len(p) for p in endpoints.values()) >= 40


API_LIST_ENDPOINTS = (
    "/api/v1/classifications/",
    "/api/v1/classifications.csv",
    "/api/v1/datasets/",
    "/api/v1/entities.csv",
    "/api/v1/incidents.csv",
    "/api/v1/merged/entities.csv",
    "/api/v1/merged/incidents.csv",
    "/api/v1/reports.csv",
    "/api/v1/taxonomies.csv",
    "/api/v1/disclosures/",
    "/api/v1/entities/",
    "/api/v1/incidents/",
    "/api/v1/lookup/",
    "/api/v1/merged/entities/",
    "/api/v1/merged/incidents/",
    "/api/v1/reports/",
    "/api/v1/submissions/",
    "/api/v1/submissions/duplicates/",
    "/api/v1/taxonomies/",
    "/api/v1/venues/",
    "/api/v1/search/",
    "/api/v1/systems/",
)


def test_it_covers_every_api_list_endpoint_of_the_schema(db):
    assert set(api_list_parameters()) - set(API_LIST_ENDPOINTS) == set()


def test_it_finds_every_covered_api_list_endpoint_in_the_schema(db):
    assert set(API_LIST_ENDPOINTS) - set(api_list_parameters()) == set()


@pytest.mark.parametrize("url", API_LIST_ENDPOINTS)
def test_it_answers_hostile_filter_values_on_api_lists(client, world, url):
    endpoints = api_list_parameters()
    client.force_login(world.staff)
    params = endpoints[url] or ("q",)
    problems = problems_for(client, url, params)
    assert problems == []


DETAIL_PATHS = (
    "/api/v1/incidents/{}/",
    "/api/v1/reports/{}/",
    "/api/v1/entities/{}/",
    "/api/v1/taxonomies/{}/",
    "/api/v1/disclosures/{}/",
    "/api/v1/submissions/{}/",
    "/api/v1/classifications/{}/",
    "/api/v1/systems/{}/",
)


@pytest.mark.parametrize("template", DETAIL_PATHS)
def test_it_answers_hostile_path_values_on_api_details_with_404(client, world, template):
    client.force_login(world.staff)
    problems = []
    for value in SQL_LIKE_STRINGS:
        url = template.format(query_value(value))
        status = client.get(url).status_code
        if status not in (400, 404):
            problems.append(f"{url[:80]} -> {status}")
    assert problems == []
