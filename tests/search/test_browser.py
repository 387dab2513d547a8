"""The search page in Chromium: the facet links and the sort selector (search.js)."""

from __future__ import annotations

import pytest

from tests.factories.search import build_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_refines_by_a_facet_and_resorts_on_change(page) -> None:  # noqa: ANN001
    build_corpus()

    page.goto("/search/?q=chatbot")
    page.get_by_role("link", name="vice.com").click()
    assert page.locator(".search-hit").count() == 1
    page.select_option("#search-sort", "newest")
    page.wait_for_url("**sort=newest**")

    assert "facet=domain%3Avice.com" in page.url
    assert page.locator(".search-hit h3").first.inner_text().startswith("Chatbot conversations")
