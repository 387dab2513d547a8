import re

import pytest
from django.core import mail

from registry.models import AuditEvent, User

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "ada@lab.example",
    "username": "",
    "organisation": "Lab",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
}


def confirmation_link(message) -> str:  # noqa: ANN001
    return re.search(r"https?://\S+(/accounts/signup/\S+/)", message.body).group(1)


def test_it_creates_an_inactive_researcher_and_mails_a_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", GOOD)

    assert (response.status_code, response.templates[0].name) == (
        200,
        "registration/signup_sent.html",
    )
    user = User.objects.get(email="ada@lab.example")
    assert (user.username, user.role, user.organisation, user.is_staff, user.is_active) == (
        "ada",
        "researcher",
        "Lab",
        False,
        False,
    )
    assert [m.to for m in mail.outbox] == [["ada@lab.example"]]


def test_it_activates_and_signs_in_through_the_link_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", GOOD)
    link = confirmation_link(mail.outbox[0])

    response = client.get(link)

    user = User.objects.get(email="ada@lab.example")
    assert (response.status_code, response["Location"], user.is_active) == (302, "/accounts/", True)
    assert client.get("/accounts/").context["user"] == user
    client.logout()
    assert client.get(link)["Location"] == "/accounts/login/"


def test_it_audits_the_sign_up(client):
    client.post("/accounts/signup/", GOOD)

    user = User.objects.get(email="ada@lab.example")
    event = AuditEvent.objects.get(subject_type="registry.user", subject_id=user.pk)
    assert (event.action, event.actor_id, event.to_state) == (
        "account_created",
        user.pk,
        "researcher",
    )


def test_it_answers_an_email_already_in_use_as_any_other_and_tells_its_owner(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", {**GOOD, "email": "RITA@uni-a.example"})

    assert response.templates[0].name == "registration/signup_sent.html"
    assert "already exists" not in response.content.decode()
    assert User.objects.filter(email__iexact="rita@uni-a.example").count() == 1
    assert [m.to for m in mail.outbox] == [["rita@uni-a.example"]]
    assert "already has one" in mail.outbox[0].body


def test_it_refuses_a_weak_password(client):
    response = client.post(
        "/accounts/signup/", {**GOOD, "password1": "password", "password2": "password"}
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="ada@lab.example").exists()


def test_it_refuses_two_different_passwords(client):
    response = client.post("/accounts/signup/", {**GOOD, "password2": "something else entirely"})

    assert "The two passwords differ." in response.content.decode()


def test_it_picks_a_free_username_from_the_email(client):
    User.objects.create_user(username="ada", email="other@x.example", password="x")

    client.post("/accounts/signup/", GOOD)

    assert User.objects.get(email="ada@lab.example").username == "ada2"


def test_it_labels_every_input(client):
    html = client.get("/accounts/signup/").content.decode()

    for name in ("email", "username", "organisation", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
