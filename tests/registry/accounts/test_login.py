import pytest

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_it_logs_in_with_a_username(client, world):
    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/accounts/").context["user"] == world.researcher


def test_it_logs_in_with_an_email_address_in_any_case(client, world):
    response = client.post(
        "/accounts/login/", {"username": "Rita@Uni-A.example", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_it_refuses_a_wrong_password(client, world):
    response = client.post("/accounts/login/", {"username": "rita", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_it_logs_out_on_post_only(client, world):
    client.force_login(world.researcher)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_it_sends_anonymous_visitors_of_the_account_page_to_login(client):
    response = client.get("/accounts/")

    assert response["Location"] == "/accounts/login/?next=/accounts/"


def test_it_shows_the_account_page(client, world):
    client.force_login(world.researcher)

    html = client.get("/accounts/").content.decode()

    assert "<dd>rita@uni-a.example</dd>" in html
    assert "<dd>Researcher</dd>" in html


def test_it_includes_the_sections_other_areas_register(client, world, monkeypatch):
    from registry.accounts import sections

    monkeypatch.setattr(sections, "_SECTIONS", set())
    sections.account_section_register("submissions/_account_section.html", order=5)
    client.force_login(world.researcher)

    response = client.get("/accounts/")

    assert response.context["account_sections"] == ["submissions/_account_section.html"]
    assert "submissions/_account_section.html" in [t.name for t in response.templates]
