"""Attack: guessing a password past the lockout by switching login paths.

Before the fix the counter was keyed on the name as typed (the email had its own counter), the
API token endpoint handed out tokens for a locked account, and /admin/login/ had no limit.
Now every path counts against, and is refused by, one counter per account.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

PASSWORD = "correct horse battery staple"
LIMIT = 4


@pytest.fixture(autouse=True)
def small_limit(settings):  # noqa: ANN001, ANN201
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.LOGIN_LOCKOUT_SECONDS = 600
    # The token endpoint's request rate limit is another matter; keep it out of the way.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "1000/min",
        },
    }
    cache.clear()
    yield
    cache.clear()


def site_login(client, name: str, password: str):  # noqa: ANN001, ANN201
    return client.post("/accounts/login/", {"username": name, "password": password})


def admin_login(client, name: str, password: str):  # noqa: ANN001, ANN201
    return client.post(
        "/admin/login/?next=/admin/", {"username": name, "password": password, "next": "/admin/"}
    )


def token(client, name: str, password: str):  # noqa: ANN001, ANN201
    return client.post(
        "/api/v1/auth/token/",
        {"username": name, "password": password},
        content_type="application/json",
    )


def _signed_in(client) -> bool:  # noqa: ANN001
    return "_auth_user_id" in client.session


def test_failures_on_every_path_count_against_one_account(client, world):  # noqa: ANN001
    site_login(client, "sam", "wrong-1")
    site_login(client, "sam@registry.example", "wrong-2")
    admin_login(client, "sam", "wrong-3")
    token(client, "SAM@registry.example", "wrong-4")

    assert site_login(client, "sam", PASSWORD).status_code == 429
    assert not _signed_in(client)


@pytest.mark.parametrize("lock_via", ["username", "email", "admin", "token"])
def test_a_locked_account_is_refused_on_every_path(client, world, lock_via):  # noqa: ANN001
    fail = {
        "username": lambda n: site_login(client, "sam", f"wrong-{n}"),
        "email": lambda n: site_login(client, "Sam@Registry.example", f"wrong-{n}"),
        "admin": lambda n: admin_login(client, "sam", f"wrong-{n}"),
        "token": lambda n: token(client, "sam", f"wrong-{n}"),
    }[lock_via]
    for n in range(LIMIT):
        fail(n)

    assert site_login(client, "sam", PASSWORD).status_code == 429
    assert site_login(client, "sam@registry.example", PASSWORD).status_code == 429
    admin = admin_login(client, "sam", PASSWORD)
    assert admin.status_code == 200
    assert not _signed_in(client)
    issued = token(client, "sam", PASSWORD)
    assert issued.status_code == 429
    assert "token" not in issued.json()
    assert token(client, "sam@registry.example", PASSWORD).status_code == 429


def test_the_lock_holds_from_another_client_address(client, world):  # noqa: ANN001
    for n in range(LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "sam", "password": f"wrong-{n}"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    assert site_login(client, "sam", PASSWORD).status_code == 429


def test_another_account_is_not_locked(client, world):  # noqa: ANN001
    for n in range(LIMIT):
        admin_login(client, "sam", f"wrong-{n}")
    assert site_login(client, "rita", PASSWORD).status_code == 302


def test_unknown_names_are_counted_per_client_address(client, world):  # noqa: ANN001
    for n in range(LIMIT):
        site_login(client, f"nobody-{n}", "wrong")
    assert site_login(client, "nobody-else", "wrong").status_code == 429
    other = client.post(
        "/accounts/login/",
        {"username": "nobody-else", "password": "wrong"},
        REMOTE_ADDR="192.0.2.99",
    )
    assert other.status_code == 200


def test_a_success_before_the_limit_forgets_the_failures(client, world):  # noqa: ANN001
    for n in range(LIMIT - 1):
        token(client, "sam", f"wrong-{n}")
    assert token(client, "sam", PASSWORD).status_code == 200
    for n in range(LIMIT - 1):
        admin_login(client, "sam", f"wrong-{n}")
    assert site_login(client, "sam", PASSWORD).status_code == 302


def test_deploy_check_requires_a_shared_cache_in_production(settings):  # noqa: ANN001
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(SystemCheckError, match="registry.E001"):
        call_command("check", "--deploy", "--tag", "caches")


def test_deploy_check_accepts_redis(settings):  # noqa: ANN001
    settings.DEBUG = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
        }
    }
    call_command("check", "--deploy", "--tag", "caches")
