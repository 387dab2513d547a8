from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories.api import Catalog, build_catalog


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def catalog(db) -> Catalog:  # noqa: ANN001
    return build_catalog()


@pytest.fixture(autouse=True)
def fresh_throttle_counts() -> None:
    # Throttle counters live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
