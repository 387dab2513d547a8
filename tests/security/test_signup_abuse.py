"""Sign-up is no oracle for registered addresses and no mail cannon: both answers look alike,
and a client address may sign up only SIGNUP_LIMIT times an hour."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

FORM = {
    "username": "",
    "organisation": "",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def page_for(email: str) -> str:
    html = Client().post("/accounts/signup/", {**FORM, "email": email}).content.decode()
    return html.replace(email, "EMAIL")


def test_it_answers_alike_for_a_registered_and_a_new_address(world):
    assert page_for("rita@uni-a.example") == page_for("nobody-yet@example.net")


def test_it_throttles_sign_ups_from_one_address(settings):
    settings.SIGNUP_LIMIT = 3
    client = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        client.post("/accounts/signup/", {**FORM, "email": f"bot{n}@example.net"}).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert (
        Client(REMOTE_ADDR="203.0.113.5")
        .post("/accounts/signup/", {**FORM, "email": "human@example.net"})
        .status_code
        == 200
    )
