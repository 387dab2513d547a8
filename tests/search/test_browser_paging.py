"""Paging a search to its last page in Chromium: the count, the page number and the hits agree."""

from __future__ import annotations

import pytest

from tests.search.test_counts import build_lidar_catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_pages_a_search_to_the_last_page(page) -> None:  # noqa: ANN001
    build_lidar_catalog(incidents=45, reports_each=0)

    page.goto("/search/?q=lidar")
    assert page.locator(".search-summary").inner_text().startswith("45 incidents")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**page=2**")
    page.get_by_role("link", name="Last page (3)").click()
    page.wait_for_url("**page=3**")

    assert page.locator(".pagination .current").inner_text() == "Page 3 of 3"
    assert page.locator(".search-hit").count() == 5
    assert page.locator("ol.search-hits").get_attribute("start") == "41"
    assert page.get_by_role("link", name="Next →").count() == 0
