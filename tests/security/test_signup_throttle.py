"""Attack: unlimited sign-ups from one address (account farming, and probing which email
addresses are registered: the form says so). Sign-up attempts are now limited per client IP.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from registry.models import User

PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def small_limit(settings):  # noqa: ANN001, ANN201
    settings.SIGNUP_LIMIT = 3
    settings.SIGNUP_WINDOW_SECONDS = 600
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def _signup(client, n: int, **extra: str):  # noqa: ANN001, ANN202
    return client.post(
        "/accounts/signup/",
        {
            "email": f"bot{n}@farm.example",
            "username": "",
            "organisation": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **extra,
    )


def test_sign_ups_from_one_address_are_limited(client, db):  # noqa: ANN001
    codes = []
    for n in range(4):
        client.logout()
        codes.append(_signup(client, n).status_code)
    assert codes == [302, 302, 302, 429]
    assert User.objects.count() == 3


def test_email_probes_count_against_the_limit(client, world):  # noqa: ANN001
    for _ in range(3):
        probe = client.post("/accounts/signup/", {"email": "rita@uni-a.example"})
        assert probe.status_code == 200
    blocked = client.post("/accounts/signup/", {"email": "rita@uni-a.example"})
    assert blocked.status_code == 429
    assert "already exists" not in blocked.content.decode()


def test_another_address_may_still_sign_up(client, db):  # noqa: ANN001
    for n in range(3):
        client.logout()
        _signup(client, n)
    client.logout()
    assert _signup(client, 9, REMOTE_ADDR="192.0.2.44").status_code == 302
