import pytest

from registry.models import AuditEvent, User

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "ada@lab.example",
    "username": "",
    "organisation": "Lab",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
}


def test_it_creates_a_researcher_and_signs_them_in(client):
    response = client.post("/accounts/signup/", GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    user = User.objects.get(email="ada@lab.example")
    assert (user.username, user.role, user.organisation, user.is_staff) == (
        "ada",
        "researcher",
        "Lab",
        False,
    )
    assert client.get("/accounts/").context["user"] == user


def test_it_audits_the_sign_up(client):
    client.post("/accounts/signup/", GOOD)

    user = User.objects.get(email="ada@lab.example")
    event = AuditEvent.objects.get(subject_type="registry.user", subject_id=user.pk)
    assert (event.action, event.actor_id, event.to_state) == (
        "account_created",
        user.pk,
        "researcher",
    )


def test_it_refuses_an_email_already_in_use_whatever_its_case(client, world):
    response = client.post("/accounts/signup/", {**GOOD, "email": "RITA@uni-a.example"})

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()


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
