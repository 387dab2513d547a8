import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world fixture creates seven users; a deliberately slow hasher only slows tests here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()
