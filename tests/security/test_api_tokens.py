"""Attack: a stolen API token keeps working forever, through password changes and resets.

Tokens now expire after API_TOKEN_TTL_DAYS, die with the password they were issued for
(change, reset, admin), and can be revoked from the account page or the API.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quite different passphrase 42"
PRIVATE = "/api/v1/disclosures/?mine=1"


@pytest.fixture(autouse=True)
def _fresh_counters():  # noqa: ANN202
    cache.clear()
    yield
    cache.clear()


def _token(client, name: str = "rita", password: str = PASSWORD) -> str:  # noqa: ANN001
    response = client.post(
        "/api/v1/auth/token/",
        {"username": name, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def _works(client, key: str) -> bool:  # noqa: ANN001
    client.logout()
    response = client.post(
        "/api/v1/disclosures/",
        {"model_name": "Probe"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    return response.status_code == 201


def test_a_token_works_before_anything_happens(client, world):  # noqa: ANN001
    assert _works(client, _token(client))


def test_a_password_change_revokes_the_token(client, world):  # noqa: ANN001
    key = _token(client)
    client.force_login(world.researcher)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not _works(client, key)
    assert _works(client, _token(client, password=NEW_PASSWORD))


def test_a_password_reset_revokes_the_token(client, world, mailoutbox):  # noqa: ANN001
    key = _token(client)
    client.post("/accounts/password_reset/", {"email": "rita@uni-a.example"})
    link = re.search(r"/accounts/reset/\S+/", mailoutbox[0].body).group(0)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _works(client, key)


def test_an_admin_password_change_revokes_the_token(client, world):  # noqa: ANN001
    key = _token(client)
    client.force_login(world.staff)
    world.staff.is_superuser = True
    world.staff.save()
    response = client.post(
        f"/admin/registry/user/{world.researcher.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _works(client, key)


def test_an_expired_token_gets_401_in_the_api_error_format(client, world, settings):  # noqa: ANN001
    settings.API_TOKEN_TTL_DAYS = 90
    key = _token(client)
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=91))
    client.logout()
    response = client.get(PRIVATE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {"field": None, "message": "Token expired; ask /api/v1/auth/token/ for a new one."}
        ]
    }


def test_asking_again_after_expiry_issues_a_new_token(client, world):  # noqa: ANN001
    key = _token(client)
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=91))
    fresh = _token(client)
    assert fresh != key
    assert _works(client, fresh)


def test_the_api_revokes_the_token_it_is_called_with(client, world):  # noqa: ANN001
    key = _token(client)
    client.logout()
    response = client.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 204
    assert not _works(client, key)


def test_revoking_through_the_api_needs_credentials(client, world):  # noqa: ANN001
    key = _token(client)
    client.logout()
    assert client.delete("/api/v1/auth/token/").status_code == 401
    assert _works(client, key)


def test_the_account_page_revokes_the_token(client, world):  # noqa: ANN001
    key = _token(client)
    client.force_login(world.researcher)
    page = client.get("/accounts/").content.decode()
    assert "Revoke the API token" in page
    assert client.post("/accounts/token/revoke/").status_code == 302
    assert not _works(client, key)
