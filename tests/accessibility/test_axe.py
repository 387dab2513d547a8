"""The main pages pass axe-core with no serious or critical violation."""

from __future__ import annotations

import pytest

from tests.accessibility.conftest import blocking_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations_on(page, paths: list[str]) -> dict[str, list[str]]:  # noqa: ANN001
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found[path] = blocking_violations(page)
    return {path: lines for path, lines in found.items() if lines}


def test_it_finds_no_serious_violation_on_the_catalog_pages(page, sample):
    paths = [
        "/",
        "/incidents/",
        f"/incidents/{sample.incident.id}/",
        f"/reports/{sample.report.number}/",
        "/entities/",
        f"/entities/{sample.entity.slug}/",
        "/taxonomies/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ]
    assert violations_on(page, paths) == {}


def test_it_finds_no_serious_violation_on_the_search_page(page, sample):
    assert violations_on(page, ["/search/", "/search/?q=robot"]) == {}


def test_it_finds_no_serious_violation_on_the_submission_form(page, sample):
    assert violations_on(page, ["/submit/", "/submit/quick/"]) == {}


def test_it_finds_no_serious_violation_on_the_public_disclosure_pages(page, sample):
    paths = ["/disclosures/", f"/disclosures/{sample.disclosure.pk}/"]
    assert violations_on(page, paths) == {}


def test_it_finds_no_serious_violation_on_the_disclosure_form(page, live_server, client, world):
    log_in(page, live_server, client, world.researcher)
    paths = [
        "/disclosures/new/",
        "/disclosures/mine/",
        "/disclosures/import/",
        "/disclosures/plan/",
        "/accounts/",
    ]
    assert violations_on(page, paths) == {}


def test_it_finds_no_serious_violation_on_the_editors_and_reviewers_pages(
    page, live_server, client, world
):
    log_in(page, live_server, client, world.editor)
    editor = violations_on(
        page, ["/submit/queue/", "/submit/editor/", "/submit/editor/merge-entities/"]
    )
    log_in(page, live_server, client, world.reviewer)
    reviewer = violations_on(page, ["/disclosures/review/", "/venues/"])
    assert editor | reviewer == {}


def test_it_finds_no_serious_violation_on_the_datasets_page(page, sample):
    assert violations_on(page, ["/datasets/"]) == {}


def test_it_reports_a_violation_when_a_page_has_one(page, sample):
    # The check itself works: an unlabelled input and an image without alt text are caught.
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/favicon.svg"><input type="text">\')'
    )
    ids = {line.split(" ")[0] for line in blocking_violations(page)}
    assert {"image-alt", "label"} <= ids
